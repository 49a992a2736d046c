using System.Text.Json;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Features.Governance.Mutations;
using Dixie.Bff.Infrastructure.Postgres;

namespace Dixie.Bff.Features.Reputation;

/// <summary>
/// `dixie-bff reputation rebuild [nftId] [--apply] [--json]` (spec 06 §10): the replay of
/// <see cref="ReputationReplay"/> from the command line. Exit codes: 0 no differences (or all repaired),
/// 1 differences found, 2 error or usage.
/// </summary>
public static class RebuildCommand
{
    public const int Clean = 0;
    public const int DifferencesFound = 1;
    public const int Failed = 2;

    public const string Usage = "usage: dixie-bff reputation rebuild [nftId] [--apply] [--json]";

    public static async Task<int> RunAsync(string[] args, string connectionString, TextWriter stdout, TextWriter stderr,
        ILoggerFactory loggerFactory, CancellationToken ct)
    {
        if (!TryParse(args, out var nftId, out var apply, out var json))
        {
            await stderr.WriteLineAsync(Usage);
            return Failed;
        }
        try
        {
            await using var dataSource = PostgresRegistration.BuildDataSource(connectionString, loggerFactory);
            var clock = TimeProvider.System;
            var replay = new ReputationReplay(dataSource, new ReplayRepair(new AuditTrail(clock), new MutationLog(new InstanceSession())),
                new ScoreCache(clock), new ReputationLog(loggerFactory.CreateLogger<ReputationLog>()));
            var report = await replay.RunAsync(nftId, apply, ct);
            await WriteAsync(report, json, stdout);
            var unrepaired = report.Applied ? report.Differences.Count(d => d.Kind == "unexpected_aggregate") : report.Differences.Count;
            return unrepaired == 0 ? Clean : DifferencesFound;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"reputation rebuild failed: {e.GetType().Name}: {e.Message}");
            return Failed;
        }
    }

    internal static bool TryParse(string[] args, out string? nftId, out bool apply, out bool json)
    {
        (nftId, apply, json) = (null, false, false);
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--apply": apply = true; break;
                case "--json": json = true; break;
                case var id when nftId is null && ReputationEventParser.NftId().IsMatch(id): nftId = id; break;
                default: return false;
            }
        }
        return true;
    }

    private static async Task WriteAsync(RebuildReport report, bool json, TextWriter stdout)
    {
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(report, ReputationJson.Wire.RebuildReport));
            return;
        }
        await stdout.WriteLineAsync($"{report.EventsReplayed} events replayed, {report.AgentsChecked} agents checked, "
            + $"{report.Differences.Count} differences{(report.Applied ? ", repaired" : "")}");
        foreach (var d in report.Differences)
        {
            var detail = d.Field is null ? "" : $" {d.Field}: stored {d.Stored?.ToJsonString() ?? "null"}, replayed {d.Replayed?.ToJsonString() ?? "null"}";
            await stdout.WriteLineAsync($"{d.NftId ?? "(population)"} {d.Kind}{detail}");
        }
    }
}
