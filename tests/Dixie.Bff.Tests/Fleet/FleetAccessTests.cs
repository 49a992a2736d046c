using System.Net;
using System.Net.Http.Json;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Fleet;

[Collection(FleetCollection.Name)]
[Trait("Category", "Security")]
public sealed class FleetAccessTests(FleetHostFixture fixture)
{
    private DixieHost Host => fixture.Host;

    private static readonly string[] TaskRoutes = ["GET ", "POST /stop", "GET /logs", "DELETE ", "POST /retry"];

    [Fact]
    public async Task Fleet_caller_kinds()
    {
        using var anonymous = DixieHost.CreateClient(Host.BaseUrl);
        using var spawnAnonymous = await anonymous.SpawnAsync("exit:0");
        Assert.Equal(HttpStatusCode.Unauthorized, spawnAnonymous.StatusCode);

        using var key = FleetTesting.Bearer(Host, fixture.ApiKey);
        using (var response = await key.SpawnAsync("exit:0"))
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Fleet operations require a signed-in wallet or the admin key");
        using (var response = await key.GetAsync("/api/fleet/status"))
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Fleet operations require a signed-in wallet or the admin key");

        using var admin = Host.Admin();
        using (var response = await admin.SpawnAsync("exit:0"))
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Spawning fleet agents requires a signed-in wallet");

        using var wallet = Host.Wallet(fixture.NewOperator());
        using (var response = await wallet.PostAsJsonAsync($"/api/fleet/tasks/{Guid.NewGuid()}/status", new { status = "merged" }))
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "forbidden", "Admin key required");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("'; DROP TABLE fleet_tasks; --")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Malformed_task_id_is_404_on_every_task_route(string id)
    {
        using var wallet = Host.Wallet(fixture.NewOperator());
        foreach (var route in TaskRoutes)
        {
            using var response = await SendAsync(wallet, route, Uri.EscapeDataString(id));
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "not_found", "Task not found");
        }
    }

    [Fact]
    public async Task Foreign_task_looks_missing_on_every_task_route()
    {
        var ownerWallet = fixture.NewOperator();
        using var owner = Host.Wallet(ownerWallet);
        var id = await owner.SpawnedAsync("exit:1 foreign");
        await owner.StatusAsync(id, "failed");
        using var stranger = Host.Wallet(fixture.NewOperator());
        // Headers that name the owner change nothing: identity comes only from the token (spec 13 §3).
        stranger.DefaultRequestHeaders.Add("x-operator-id", ownerWallet);
        stranger.DefaultRequestHeaders.Add("X-Wallet-Address", ownerWallet);
        var listed = (await (await stranger.GetAsync("/api/fleet/status")).JsonAsync()).GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetGuid());
        Assert.DoesNotContain(id, listed);
        foreach (var route in TaskRoutes)
        {
            using var foreign = await SendAsync(stranger, route, id.ToString());
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
            Assert.Equal($$"""{"error":"not_found","message":"Task {{id}} not found"}""", await foreign.Content.ReadAsStringAsync());
        }
        // Nothing happened to the task.
        Assert.Equal("failed", (await owner.TaskAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task All_flag_is_ignored_for_wallets_and_admin_sees_all()
    {
        using var first = Host.Wallet(fixture.NewOperator());
        using var second = Host.Wallet(fixture.NewOperator());
        var mine = await first.SpawnedAsync("exit:0 mine");
        var theirs = await second.SpawnedAsync("exit:0 theirs");
        var visible = (await (await first.GetAsync("/api/fleet/status?all=true")).JsonAsync()).GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(mine, visible);
        Assert.DoesNotContain(theirs, visible);
        var admin = await (await Host.Admin().GetAsync("/api/fleet/status")).JsonAsync();
        Assert.False(admin.TryGetProperty("tier", out _));
        var all = admin.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(mine, all);
        Assert.Contains(theirs, all);
    }

    [Fact]
    public async Task Spawn_with_a_body_that_is_not_declared_json_is_415()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        using var response = await client.PostAsync("/api/fleet/spawn",
            new StringContent("""{"description":"d","taskType":"docs","repository":"r"}""", System.Text.Encoding.UTF8, "text/plain"));
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json");
    }

    [Fact]
    public async Task Spawn_validation_messages()
    {
        using var client = Host.Wallet(fixture.NewOperator());
        (object Body, string Message)[] cases =
        [
            (new[] { 1 }, "Invalid request body"),
            (new { taskType = "bug_fix", repository = "r" }, "description is required"),
            (new { description = "  ", taskType = "bug_fix", repository = "r" }, "description is required"),
            (new { description = new string('x', 10_001), taskType = "bug_fix", repository = "r" }, "description exceeds maximum length of 10000 characters"),
            (new { description = "d", taskType = "other", repository = "r" }, "taskType must be one of: bug_fix, feature, refactor, review, docs"),
            (new { description = "d", taskType = "docs" }, "repository is required"),
            (new { description = "d", taskType = "docs", repository = "a\u0001" }, "repository must be at most 512 characters without control characters"),
            (new { description = "d", taskType = "docs", repository = "r", agentType = "x" }, "agentType must be one of: claude_code, codex, gemini"),
            (new { description = "d", taskType = "docs", repository = "r", model = 5 }, "model must be a string"),
            (new { description = "d", taskType = "docs", repository = "r", model = "--x" }, "model contains invalid characters"),
            (new { description = "d", taskType = "docs", repository = "r", baseBranch = "a..b" }, "baseBranch must be a valid branch name"),
            (new { description = "d", taskType = "docs", repository = "r", maxRetries = 11 }, "maxRetries must be an integer between 0 and 10"),
            (new { description = "d", taskType = "docs", repository = "r", timeoutMinutes = 0 }, "timeoutMinutes must be an integer between 1 and 1440"),
            (new { description = "d", taskType = "docs", repository = "r", timeoutMinutes = 1441 }, "timeoutMinutes must be an integer between 1 and 1440"),
            (new { description = "d", taskType = "docs", repository = "r", contextOverrides = Enumerable.Range(0, 21).ToDictionary(i => $"k{i}", i => "v") },
                "contextOverrides must be an object of at most 20 string entries"),
            // PostgreSQL stores no NUL character; it is the client's input, never a 500.
            (new { description = "fix\u0000", taskType = "docs", repository = "r" }, "description must not contain NUL characters"),
            (new { description = "d", taskType = "docs", repository = "r", contextOverrides = new Dictionary<string, string> { ["k"] = "\u0000" } },
                "contextOverrides values must not contain NUL characters"),
        ];
        foreach (var (body, message) in cases)
        {
            using var response = await client.PostAsJsonAsync("/api/fleet/spawn", body);
            await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", message);
        }
    }

    [Fact]
    public async Task Spoofed_operator_headers_change_nothing()
    {
        using var client = Host.Wallet(fixture.NewOperator("builder"));
        client.DefaultRequestHeaders.Add("x-operator-tier", "sovereign");
        client.DefaultRequestHeaders.Add("x-conviction-tier", "sovereign");
        await client.SpawnedAsync("sleep:30 spoof one");
        using var denied = await client.SpawnAsync("sleep:30 spoof two");
        await ErrorAssert.IsErrorAsync(denied, HttpStatusCode.Forbidden, "spawn_denied");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string route, string id)
    {
        var parts = route.Split(' ');
        return client.SendAsync(new HttpRequestMessage(new HttpMethod(parts[0]), $"/api/fleet/tasks/{id}{parts[1]}"));
    }
}
