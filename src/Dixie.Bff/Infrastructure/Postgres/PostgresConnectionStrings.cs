using Npgsql;

namespace Dixie.Bff.Infrastructure.Postgres;

/// <summary>Connection strings derived from the configured one (spec 09 §2.2).</summary>
public static class PostgresConnectionStrings
{
    /// <summary>
    /// The same settings with `Pooling=false`, for the two long-lived connections (migrations and the
    /// outbox LISTEN): they never take a request's pool slot, and closing one really ends its session.
    /// </summary>
    public static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
}
