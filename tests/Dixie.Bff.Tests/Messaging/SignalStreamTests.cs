using Dixie.Bff.Infrastructure.Nats;
using NATS.Client.JetStream.Models;

namespace Dixie.Bff.Tests.Messaging;

public sealed class SignalStreamTests
{
    [Theory]
    [InlineData("dixie.signal.>", true)]
    [InlineData("dixie.>", true)]
    [InlineData(">", true)]
    [InlineData("*.signal.>", true)]
    [InlineData("dixie.signal.*", false)]
    [InlineData("dixie.signal.interaction", false)]
    [InlineData("dixie.fleet.>", false)]
    [InlineData("dixie.signal.fleet.>", false)]
    public void Stream_subjects_cover_every_signal_subject_only_through_a_full_wildcard(string subject, bool covers) =>
        Assert.Equal(covers, SignalStream.CoversSignals([subject]));

    [Fact]
    public void Documented_config_has_no_changed_fields_and_each_difference_is_named()
    {
        var desired = SignalStream.Desired(3);
        var drifted = desired with
        {
            Subjects = ["dixie.signal.>", "dixie.extra"],
            Retention = StreamConfigRetention.Interest,
            MaxMsgs = 10,
            Discard = StreamConfigDiscard.New,
            MaxAge = TimeSpan.FromDays(1),
            Storage = StreamConfigStorage.Memory,
            NumReplicas = 1,
            DuplicateWindow = TimeSpan.FromSeconds(30),
            Description = "left alone",
        };

        Assert.Empty(SignalStream.ChangedFields(desired, SignalStream.Desired(3)));
        Assert.Equal(
            ["subjects", "retention", "max_msgs", "discard", "max_age", "storage", "num_replicas", "duplicate_window"],
            SignalStream.ChangedFields(drifted, desired));
    }

    [Theory]
    [InlineData("nats://user:secret@nats.internal:4222", "nats://nats.internal:4222")]
    [InlineData("nats://s3cr3t-token@nats.internal:4222", "nats://nats.internal:4222")]
    [InlineData("tls://nats.internal:4443", "tls://nats.internal:4443")]
    [InlineData("not a url", "(unparsable url)")]
    public void Logged_server_urls_carry_no_credentials(string url, string logged) =>
        Assert.Equal(logged, NatsUrls.WithoutCredentials(url));

    [Fact]
    public void State_names_are_those_of_the_spec() =>
        Assert.Equal(
            ["not_configured", "connecting", "connected", "ready", "disconnected"],
            NatsStates.All.Select(state => state.Name()));
}
