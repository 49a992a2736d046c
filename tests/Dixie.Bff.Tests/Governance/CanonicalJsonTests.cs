using System.Text.Json.Nodes;
using Dixie.Bff.Features.Governance.Audit;

namespace Dixie.Bff.Tests.Governance;

public sealed class CanonicalJsonTests
{
    // RFC 8785 Appendix B, from the IEEE bit patterns (spec 08 §5.5).
    [Theory]
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void Numbers_are_written_as_ecmascript_writes_them(ulong bits, string expected)
    {
        Assert.Equal(expected, EcmaNumber.Format(BitConverter.UInt64BitsToDouble(bits)));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NaN_and_infinity_are_rejected(double value)
    {
        Assert.Throws<ArgumentException>(() => EcmaNumber.Format(value));
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(new JsonObject { ["x"] = value }));
    }

    [Theory]
    [InlineData(1e-7, "1e-7")]
    [InlineData(15d, "15")]
    [InlineData(0.5272727272727272, "0.5272727272727272")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(123e-20, "1.23e-18")]
    [InlineData(0.0001, "0.0001")]
    public void Everyday_numbers_use_the_shortest_spelling(double value, string expected)
    {
        Assert.Equal(expected, EcmaNumber.Format(value));
    }

    [Fact]
    public void Members_are_sorted_by_utf16_code_units()
    {
        var json = JsonNode.Parse("""{"\u20ac":1,"z":2,"\ufb33":3,"\ud83d\ude00":4,"a":{"y":1,"b":2},"A":5,"1":6}""");
        Assert.Equal("{\"1\":6,\"A\":5,\"a\":{\"b\":2,\"y\":1},\"z\":2,\"\u20ac\":1,\"\ud83d\ude00\":4,\"\ufb33\":3}", CanonicalJson.Serialize(json));
    }

    [Fact]
    public void Strings_are_escaped_as_json_stringify_escapes_them()
    {
        var json = new JsonObject { ["s"] = "\u0001\n\"\\/é€😀\t\b\f\r\u001f<>&'" };
        Assert.Equal("{\"s\":\"\\u0001\\n\\\"\\\\/é€😀\\t\\b\\f\\r\\u001f<>&'\"}", CanonicalJson.Serialize(json));
    }

    [Fact]
    public void Lone_surrogates_are_escaped_in_lower_case()
    {
        Assert.Equal("[\"\\udead\"]", CanonicalJson.Serialize(new JsonArray("\udead")));
    }

    [Fact]
    public void Whitespace_is_dropped_and_literals_are_kept()
    {
        var json = JsonNode.Parse("""{ "b" : [ true , false , null , 1.0 , "x" ] , "a" : { } , "c" : [ ] }""");
        Assert.Equal("""{"a":{},"b":[true,false,null,1,"x"],"c":[]}""", CanonicalJson.Serialize(json));
    }

    [Fact]
    public void Numbers_from_parsed_text_and_from_clr_values_agree()
    {
        var parsed = JsonNode.Parse("""{"a":1E-7,"b":15.0,"c":100000000000000000000000,"d":-0.0}""");
        var built = new JsonObject { ["a"] = 1e-7, ["b"] = 15, ["c"] = 1e23m, ["d"] = -0.0f };
        Assert.Equal("""{"a":1e-7,"b":15,"c":1e+23,"d":0}""", CanonicalJson.Serialize(parsed));
        Assert.Equal(CanonicalJson.Serialize(parsed), CanonicalJson.Serialize(built));
    }
}
