using System.Text;
using System.Text.Json;
using Dixie.Bff.Features.Chat.Streaming;
using Dixie.Bff.Features.Chat.WebSocket;
using Dixie.Bff.Features.Fleet;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Postgres;

namespace Dixie.Bff.Tests.Json;

/// <summary>Text that parses as JSON but cannot be read (JsonText) or stored (JsonbValue).</summary>
public sealed class JsonTextTests
{
    public static TheoryData<byte[]> Unreadable => new()
    {
        { [.. "{\"a\":\""u8, 0xFF, .. "\"}"u8] },
        { [.. "[\"ok\",{\"b\":\""u8, 0xC3, .. "\"}]"u8] },
        { [.. "{\""u8, 0xFF, .. "\":1}"u8] },
        { Encoding.ASCII.GetBytes("""{"a":"\ud800"}""") },
        { Encoding.ASCII.GetBytes("""{"\udc00x":1}""") },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void Text_that_only_fails_when_read_fails_at_the_parse(byte[] json)
    {
        // The plain parser accepts it; reading the string is what throws.
        using (JsonDocument.Parse(json)) { }
        Assert.ThrowsAny<JsonException>(() => JsonText.Parse(json));
        Assert.ThrowsAny<JsonException>(() => JsonText.ParseAsync(new MemoryStream(json), default, CancellationToken.None).GetAwaiter().GetResult());
    }

    [Fact]
    public void Readable_text_parses_unchanged()
    {
        using var document = JsonText.Parse("""{"a":"\ud83d\ude00","b":[1,"é",{"c":null}]}""");
        Assert.Equal("😀", document.RootElement.GetProperty("a").GetString());
    }

    [Fact]
    public void Frames_with_unreadable_text_are_refused_not_thrown()
    {
        Assert.Equal(WsClientFrameKind.Invalid, WsClientFrame.Parse("""{"type":"prompt","text":"\ud800"}""").Kind);
        Assert.Equal(WsClientFrameKind.Invalid, WsClientFrame.Parse("""{"type":"\udc00"}""").Kind);
        Assert.Null(FinnFrame.TryParse("""{"type":"text_delta","data":{"delta":"\ud800"}}"""));
    }

    // Boundaries checked against PostgreSQL 15: `SELECT '<literal>'::jsonb`.
    [Theory]
    [InlineData("0", true)]
    [InlineData("-0.5", true)]
    [InlineData("1e400", true)]
    [InlineData("1e131071", true)]
    [InlineData("1e131072", false)]
    [InlineData("10e131071", false)]
    [InlineData("1e-16383", true)]
    [InlineData("1e-16384", false)]
    [InlineData("0.5e-16383", false)]
    [InlineData("0.1e-16382", true)]
    [InlineData("0.0e-16382", true)]
    [InlineData("0.00e-16382", false)]
    [InlineData("0e-20000", false)]
    [InlineData("0e999999999", true)]
    [InlineData("0e2000000000", false)]
    [InlineData("1E+5", true)]
    public void Numbers_postgresql_can_store(string literal, bool storable) => Assert.Equal(storable, JsonbValue.IsStorableNumber(literal));

    [Theory]
    [InlineData("""{"a":"x","b":[1,2.5,{"c":"d"}]}""", true)]
    [InlineData("""{"a":"x\u0000"}""", false)]
    [InlineData("""{"a\u0000":1}""", false)]
    [InlineData("""{"a":[{"b":1e-20000}]}""", false)]
    public void Documents_postgresql_can_store(string json, bool storable)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Equal(storable, JsonbValue.CanStore(document.RootElement));
    }

    [Theory]
    [InlineData("200", 200)]
    [InlineData("+5", 5)]
    [InlineData("10001", 10_000)]
    [InlineData("99999999999999999999", 10_000)]
    [InlineData("0", null)]
    [InlineData("-99999999999999999999", null)]
    [InlineData("1.5", null)]
    [InlineData("++5", null)]
    [InlineData("", null)]
    public void Log_line_counts_are_capped_however_long(string text, int? lines) => Assert.Equal(lines, TaskEndpoints.LogLines(text));
}
