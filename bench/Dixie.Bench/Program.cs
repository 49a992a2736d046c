using Dixie.Bench;

// `make bench` (spec 13 §1): bench/run.sh starts the stack and hands over through BENCH_* variables.
var settings = BenchSettings.FromEnvironment();
Directory.CreateDirectory(settings.WorkDirectory);
var loadBefore = MachineFacts.LoadAverage();
using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = settings.BaseUrl };
var seed = new BenchSeed(settings, client);
var wrk = new Wrk(settings);

Console.WriteLine("seeding: a Hardhat #0 sign-in and 1000 reputation aggregates");
var jwt = await seed.SignInAsync();
// Kept for poking at a BENCH_KEEP=1 stack by hand (curl, wrk, dotnet-trace).
await File.WriteAllTextAsync(Path.Combine(settings.WorkDirectory, "jwt"), jwt);
var soakMinutes = Environment.GetEnvironmentVariable("BENCH_SOAK_MINUTES");
if (settings.Runs("P1") || settings.Runs("P2") || soakMinutes is not null) await seed.SeedAggregatesAsync();
if (soakMinutes is not null)
    return await new Soak(settings, client, jwt).RunAsync(int.Parse(soakMinutes, System.Globalization.CultureInfo.InvariantCulture));

var http = new HttpScenarios(settings, wrk, seed, jwt);
var results = new List<ScenarioResult>();
async Task RunAsync(string id, Func<Task<ScenarioResult>> scenario)
{
    if (!settings.Runs(id)) return;
    Console.WriteLine($"running {id}");
    var result = await scenario();
    Console.WriteLine($"  {id}: {(result.Pass ? "pass" : "FAIL")} {result.Rate:F0} {result.Ratio} {result.Note}");
    results.Add(result);
}

await RunAsync("P1", http.KnownAgentsAsync);
await RunAsync("P2", http.UnknownAgentsAsync);
await RunAsync("P3", http.ChatAsync);
await RunAsync("P4", http.HealthAsync);
await RunAsync("P5", http.SignInAsync);
await RunAsync("P6", http.IngestAsync);
await RunAsync("P7", () => new SsePerf(settings, new SseProbe(settings, client, jwt)).RunAsync());
await RunAsync("P8", () => new FleetPerf(settings, client).RunAsync());
if (settings.Runs("M1") && settings.ServicePid is { } pid && ResidentMemory.Megabytes(pid) is { } rss)
    results.Add(new ScenarioResult { Id = "M1", Scenario = "dixie-bff resident memory after the scenarios (MB)", Rate = rss, Target = "≤ 250 MB", Pass = rss <= 250 });
if (settings.Runs("M2") && settings.StartMilliseconds is { } start)
    results.Add(new ScenarioResult { Id = "M2", Scenario = "process start to /healthz/ready, migrated database (ms)", Rate = start, Target = "≤ 3000 ms", Pass = start <= 3000 });

var machine = new MachineFacts(Environment.ProcessorCount, loadBefore, MachineFacts.LoadAverage(), settings.Rounds, settings.DurationSeconds);
await BenchReport.WriteJsonAsync(settings.ResultsPath, results, machine);
Console.WriteLine();
Console.WriteLine(BenchReport.Markdown(results, machine));
var failed = results.Where(r => !r.Pass).Select(r => r.Id).ToList();
Console.WriteLine(failed.Count == 0 ? "make bench: every target met" : $"make bench: targets missed: {string.Join(", ", failed)}");
return failed.Count == 0 ? 0 : 1;
