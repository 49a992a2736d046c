using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Audit;
using Dixie.Bff.Tests.Governance;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Admin;

public sealed class AdminAuditApiTests(AuditHostFixture fixture) : IClassFixture<AuditHostFixture>
{
    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestEnvironment.AdminKey);
        return await fixture.Host.Client.SendAsync(request);
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Entries_are_listed_newest_first_with_every_field()
    {
        var chain = AuditHostFixture.NewChain();
        var entries = await fixture.AppendAsync(chain,
            new AuditRecord("test.entry.added", "admin", new JsonObject { ["score"] = 0.5, ["name"] = "Zoë" }),
            new AuditRecord("test.entry.removed", null, null));

        var page = await GetJsonAsync($"/api/admin/audit?resourceType={chain}");

        var listed = page.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([entries[1].EntryId.ToString(), entries[0].EntryId.ToString()], listed.Select(e => e.GetProperty("entry_id").GetString()));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        var older = listed[1];
        Assert.Equal(
            ["entry_id", "resource_type", "timestamp", "event_type", "actor_id", "payload", "entry_hash", "previous_hash", "hash_domain_tag", "created_at"],
            older.EnumerateObject().Select(p => p.Name));
        Assert.Equal(chain, older.GetProperty("resource_type").GetString());
        Assert.Equal(entries[0].Timestamp, older.GetProperty("timestamp").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", older.GetProperty("timestamp").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", older.GetProperty("created_at").GetString());
        Assert.Equal("admin", older.GetProperty("actor_id").GetString());
        Assert.Equal("Zoë", older.GetProperty("payload").GetProperty("name").GetString());
        Assert.Equal(0.5, older.GetProperty("payload").GetProperty("score").GetDouble());
        Assert.Equal(AuditHash.Genesis, older.GetProperty("previous_hash").GetString());
        Assert.Equal(entries[0].EntryHash, older.GetProperty("entry_hash").GetString());
        Assert.Equal($"loa-dixie:audit:{chain}:v10", older.GetProperty("hash_domain_tag").GetString());
    }

    [Fact]
    public async Task Absent_actor_and_payload_are_omitted()
    {
        var chain = AuditHostFixture.NewChain();
        await fixture.AppendAsync(chain, new AuditRecord("test.entry.added", null, null));

        var entry = (await GetJsonAsync($"/api/admin/audit?resourceType={chain}")).GetProperty("entries")[0];

        Assert.False(entry.TryGetProperty("actor_id", out _));
        Assert.False(entry.TryGetProperty("payload", out _));
    }

    [Fact]
    public async Task The_before_cursor_pages_to_the_end()
    {
        var chain = AuditHostFixture.NewChain();
        var written = await fixture.AppendAsync(chain, AuditTrailTests.Records(7));
        var expected = written.Select(e => e.EntryId.ToString()).Reverse().ToList();

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync($"/api/admin/audit?resourceType={chain}&limit=3" + (cursor is null ? "" : $"&before={cursor}"));
            var ids = page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("entry_id").GetString()!).ToList();
            seen.AddRange(ids);
            cursor = page.GetProperty("next").GetString();
            if (cursor is not null) Assert.Equal(ids[^1], cursor);
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Limit_defaults_to_100()
    {
        var chain = AuditHostFixture.NewChain();
        await fixture.AppendAsync(chain, AuditTrailTests.Records(101));

        var page = await GetJsonAsync($"/api/admin/audit?resourceType={chain}");

        Assert.Equal(100, page.GetProperty("entries").GetArrayLength());
        Assert.Equal(JsonValueKind.String, page.GetProperty("next").ValueKind);
        var last = await GetJsonAsync($"/api/admin/audit?resourceType={chain}&before={page.GetProperty("next").GetString()}&limit=500");
        Assert.Equal(1, last.GetProperty("entries").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, last.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task Without_a_resource_type_every_chain_is_listed()
    {
        var first = (await fixture.AppendAsync(AuditHostFixture.NewChain(), AuditTrailTests.Records(1)))[0];
        var second = (await fixture.AppendAsync(AuditHostFixture.NewChain(), AuditTrailTests.Records(1)))[0];

        var page = await GetJsonAsync("/api/admin/audit?limit=500");

        var ids = page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("entry_id").GetString()).ToList();
        Assert.True(ids.IndexOf(second.EntryId.ToString()) is >= 0 and var s && s < ids.IndexOf(first.EntryId.ToString()));
    }

    [Theory]
    [InlineData("limit=0", "limit must be between 1 and 500")]
    [InlineData("limit=501", "limit must be between 1 and 500")]
    [InlineData("limit=abc", "limit must be between 1 and 500")]
    [InlineData("limit=-1", "limit must be between 1 and 500")]
    [InlineData("limit=", "limit must be between 1 and 500")]
    [InlineData("limit=99999999999999999999", "limit must be between 1 and 500")]
    [InlineData("limit=1&limit=2", "limit must be between 1 and 500")]
    [InlineData("resourceType=Reputation", "Invalid resourceType")]
    [InlineData("resourceType=", "Invalid resourceType")]
    [InlineData("resourceType=a%0A", "Invalid resourceType")]
    [InlineData("before=not-a-uuid", "Unknown cursor")]
    [InlineData("before=00000000-0000-4000-8000-000000000001", "Unknown cursor")]
    public async Task Bad_parameters_are_400(string query, string message)
    {
        await ErrorAssert.IsErrorAsync(await GetAsync("/api/admin/audit?" + query), HttpStatusCode.BadRequest, "invalid_request", message);
    }

    [Fact]
    public async Task A_cursor_from_another_chain_is_unknown()
    {
        var other = (await fixture.AppendAsync(AuditHostFixture.NewChain(), AuditTrailTests.Records(1)))[0];
        var chain = AuditHostFixture.NewChain();
        await fixture.AppendAsync(chain, AuditTrailTests.Records(1));

        await ErrorAssert.IsErrorAsync(await GetAsync($"/api/admin/audit?resourceType={chain}&before={other.EntryId}"),
            HttpStatusCode.BadRequest, "invalid_request", "Unknown cursor");
    }

    [Fact]
    public async Task Verify_on_an_empty_chain_is_valid_with_nothing_checked()
    {
        var response = await GetAsync($"/api/admin/audit/{AuditHostFixture.NewChain()}/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"valid":true,"entries_checked":0}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Verify_reports_a_tampered_entry_and_replaces_the_chain_record()
    {
        var chain = AuditHostFixture.NewChain();
        var entries = await fixture.AppendAsync(chain, AuditTrailTests.Records(2));
        Assert.True((await GetJsonAsync($"/api/admin/audit/{chain}/verify")).GetProperty("valid").GetBoolean());
        Assert.True(fixture.Host.Get<AuditChainStatuses>().Get(chain)!.Valid);
        await fixture.ExecuteAsync("UPDATE audit_entries SET event_type = 'test.entry.forged' WHERE entry_id = @id", ("id", entries[0].EntryId));

        var body = await GetJsonAsync($"/api/admin/audit/{chain}/verify");

        Assert.False(body.GetProperty("valid").GetBoolean());
        Assert.Equal(1, body.GetProperty("entries_checked").GetInt64());
        Assert.Equal($"Hash mismatch at entry {entries[0].EntryId} (index 0) — content or chain linkage tampered", body.GetProperty("detail").GetString());
        var status = fixture.Host.Get<AuditChainStatuses>().Get(chain)!;
        Assert.False(status.Valid);
        Assert.Equal(body.GetProperty("detail").GetString(), status.Detail);
    }

    [Theory]
    [InlineData("Reputation")]
    [InlineData("9lives")]
    [InlineData("a.b")]
    public async Task Verify_with_a_bad_resource_type_is_400(string resourceType)
    {
        await ErrorAssert.IsErrorAsync(await GetAsync($"/api/admin/audit/{resourceType}/verify"),
            HttpStatusCode.BadRequest, "invalid_request", "Invalid resourceType");
    }
}
