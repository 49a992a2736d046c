using System.Diagnostics;
using Dixie.Bff.Infrastructure.Postgres;
using Dixie.Bff.Tests.Support;
using Npgsql;

namespace Dixie.Bff.Tests.Data;

public sealed class DataSourceTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private readonly LogCapture _logs = new();

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public void Data_source_settings()
    {
        // The loader's settings pass through; error detail is off even when the string asks for it.
        var configured = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { MaxPoolSize = 17, IncludeErrorDetail = true }.ConnectionString;
        using var dataSource = PostgresRegistration.BuildDataSource(configured, _logs.Factory);

        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Assert.False(settings.IncludeErrorDetail);
        Assert.Equal("dixie-bff", settings.ApplicationName);
        Assert.Equal(30, settings.CommandTimeout);
        Assert.Equal(5, settings.Timeout);
        Assert.Equal(17, settings.MaxPoolSize);
        Assert.True(settings.Pooling);

        var unpooled = new NpgsqlConnectionStringBuilder(PostgresConnectionStrings.Unpooled(configured));
        Assert.False(unpooled.Pooling);
        Assert.Equal("dixie-bff", unpooled.ApplicationName);
        Assert.Equal(30, unpooled.CommandTimeout);
        Assert.Equal(_database.Name, unpooled.Database);
    }

    [Fact]
    public async Task Constraint_detail_never_leaks()
    {
        await MigrationTestSupport.MigrateAsync(_database, _logs);
        const string wallet = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        // The log formatter redacts wallets, so the key also carries a marker it leaves alone: a
        // constraint detail ("Key (session_id)=(…) already exists") would show it in the logs.
        const string marker = "detail-marker-4f1c";
        const string sessionId = $"session-{wallet}-{marker}";
        var configured = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { IncludeErrorDetail = true }.ConnectionString;
        await using var dataSource = PostgresRegistration.BuildDataSource(configured, _logs.Factory);
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var source = new ActivitySource("Dixie.Tests.ConstraintDetail");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" or "Dixie.Tests.ConstraintDetail",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        const string insert = "INSERT INTO chat_sessions (session_id, owner, owner_kind) VALUES (@id, @owner, 'wallet')";
        PostgresException duplicate;
        using (source.StartActivity("request"))
        {
            await using var first = dataSource.CreateCommand(insert);
            first.Parameters.AddWithValue("id", sessionId);
            first.Parameters.AddWithValue("owner", wallet);
            await first.ExecuteNonQueryAsync();
            await using var second = dataSource.CreateCommand(insert);
            second.Parameters.AddWithValue("id", sessionId);
            second.Parameters.AddWithValue("owner", wallet);
            duplicate = await Assert.ThrowsAsync<PostgresException>(() => second.ExecuteNonQueryAsync());
        }

        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        Assert.DoesNotContain(wallet, duplicate.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(wallet, duplicate.Detail ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(marker, duplicate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(marker, _logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(wallet, _logs.AllText, StringComparison.OrdinalIgnoreCase);
        // The listener is process-wide: keep only this database's spans.
        var npgsqlSpans = spans.Where(s => s.Source.Name == "Npgsql"
            && s.Tags.Any(t => t.Value?.Contains(_database.Name, StringComparison.Ordinal) == true)).ToList();
        Assert.Equal(2, npgsqlSpans.Count);
        Assert.All(npgsqlSpans, span =>
        {
            Assert.DoesNotContain(span.TagObjects, t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)?.Contains(wallet, StringComparison.OrdinalIgnoreCase) == true);
            Assert.DoesNotContain(span.Events.SelectMany(e => e.Tags), t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)?.Contains(wallet, StringComparison.OrdinalIgnoreCase) == true);
            Assert.DoesNotContain(wallet, span.StatusDescription ?? "", StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task Commands_outside_an_activity_are_not_traced()
    {
        await using var dataSource = PostgresRegistration.BuildDataSource(_database.ConnectionString, _logs.Factory);
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        Activity.Current = null;

        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync();

        Assert.DoesNotContain(spans, s => s.Tags.Any(t => t.Value?.Contains(_database.Name, StringComparison.Ordinal) == true));
    }
}
