using System.Diagnostics;
using Dixie.Bff.Infrastructure.Configuration;
using Npgsql;

namespace Dixie.Bff.Infrastructure.Postgres;

public static class PostgresRegistration
{
    /// <summary>
    /// Registers the one <see cref="NpgsqlDataSource"/> every query goes through (spec 09 §2.2). Its
    /// spans are exported by `AddNpgsql()` on the tracer provider (telemetry setup).
    /// </summary>
    public static IServiceCollection AddPostgres(this IServiceCollection services, DixieConfig config)
    {
        services.AddSingleton(sp => BuildDataSource(config.Data.DatabaseConnectionString, sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }

    /// <summary>
    /// The connection string already carries pool size, timeouts and application name (spec 01);
    /// error detail is forced off again here so no DETAIL text (key values such as wallets) can reach
    /// exception messages, logs or spans whatever the string says.
    /// </summary>
    public static NpgsqlDataSource BuildDataSource(string connectionString, ILoggerFactory loggerFactory)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.IncludeErrorDetail = false;
        builder.UseLoggerFactory(loggerFactory);
        builder.EnableParameterLogging(false);
        // Only commands issued inside a current activity are traced, so idle background polls
        // (outbox, fleet monitor) do not create a root span every second.
        builder.ConfigureTracing(tracing => tracing
            .EnablePhysicalOpenTracing(false)
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null)
            .ConfigureCopyOperationFilter(_ => Activity.Current is not null));
        return builder.Build();
    }
}
