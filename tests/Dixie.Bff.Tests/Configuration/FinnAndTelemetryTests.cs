using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Tests.Configuration;

public sealed class FinnAndTelemetryTests
{
    [Fact]
    public void Finn_url_is_required()
    {
        Assert.Equal("required; set the absolute http(s) URL of loa-finn",
            TestEnvironment.Valid().Without("FINN_URL").LoadSingleProblem("FINN_URL"));
    }

    [Theory]
    [InlineData("127.0.0.1:3000")]
    [InlineData("ftp://finn")]
    [InlineData("http://finn:3000?x=1")]
    [InlineData("http://${FINN_HOST}:3000")]
    public void Finn_url_that_is_not_an_absolute_http_url_is_refused(string value)
    {
        TestEnvironment.Valid().With("FINN_URL", value).LoadSingleProblem("FINN_URL");
    }

    [Fact]
    public void Finn_url_keeps_its_path_prefix_and_derives_the_websocket_url()
    {
        var finn = TestEnvironment.Valid().With("FINN_URL", "https://finn.example.com/api/").LoadValid().Finn;
        Assert.Equal("/api", finn.BaseUrl.AbsolutePath);
        Assert.Equal("wss://finn.example.com/api", finn.WebSocketUrl.AbsoluteUri);
        var plain = TestEnvironment.Valid().LoadValid().Finn;
        Assert.Equal("ws://127.0.0.1:3000/", plain.WebSocketUrl.AbsoluteUri);
    }

    [Fact]
    public void Finn_websocket_url_must_be_ws()
    {
        Assert.Equal("ws://other:3000/", TestEnvironment.Valid().With("FINN_WS_URL", "ws://other:3000").LoadValid().Finn.WebSocketUrl.AbsoluteUri);
        TestEnvironment.Valid().With("FINN_WS_URL", "http://other:3000").LoadSingleProblem("FINN_WS_URL");
    }

    [Fact]
    public void Finn_auth_token_with_whitespace_is_refused_without_echoing_it()
    {
        var reason = TestEnvironment.Valid().With("DIXIE_FINN_AUTH_TOKEN", "tok en-value").LoadSingleProblem("DIXIE_FINN_AUTH_TOKEN");
        Assert.DoesNotContain("tok en", reason, StringComparison.Ordinal);
        Assert.Contains("has 12 characters", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Telemetry_values_are_read_and_passed_through()
    {
        var telemetry = TestEnvironment.Valid()
            .With("OTEL_EXPORTER_OTLP_ENDPOINT", "http://tempo:4318").With("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .With("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=abc").With("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
            .With("OTEL_TRACES_SAMPLER_ARG", "0.25").LoadValid().Telemetry;
        Assert.Equal(new Uri("http://tempo:4318"), telemetry.OtlpEndpoint);
        Assert.Equal(OtlpProtocol.HttpProtobuf, telemetry.OtlpProtocol);
        Assert.Equal("x-api-key=abc", telemetry.OtlpHeaders);
        Assert.Equal(("parentbased_traceidratio", "0.25"), (telemetry.TracesSampler, telemetry.TracesSamplerArg));
        Assert.Equal(OtlpProtocol.Grpc, TestEnvironment.Valid().LoadValid().Telemetry.OtlpProtocol);
    }

    [Fact]
    public void Otlp_endpoint_and_protocol_are_validated()
    {
        var reason = TestEnvironment.Valid().With("OTEL_EXPORTER_OTLP_ENDPOINT", "grpc://user:Sekr1t@tempo:4317").LoadSingleProblem("OTEL_EXPORTER_OTLP_ENDPOINT");
        Assert.DoesNotContain("Sekr1t", reason, StringComparison.Ordinal);
        TestEnvironment.Valid().With("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json").LoadSingleProblem("OTEL_EXPORTER_OTLP_PROTOCOL");
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "https://user:Sekr1t@collector:4317x")]
    [InlineData("FINN_URL", "http://user:Sek/r1t@finn:99999")]
    public void Urls_the_grammar_refuses_still_hide_their_password(string name, string value)
    {
        var reason = TestEnvironment.Valid().With(name, value).LoadSingleProblem(name);
        Assert.DoesNotContain("Sek", reason, StringComparison.Ordinal);
        Assert.Contains("***@", reason, StringComparison.Ordinal);
    }
}
