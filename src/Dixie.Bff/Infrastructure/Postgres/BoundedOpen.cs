using Npgsql;

namespace Dixie.Bff.Infrastructure.Postgres;

public static class BoundedOpen
{
    /// <summary>
    /// Opens a pooled connection, giving up at <paramref name="deadline"/>. Npgsql stops honouring
    /// cancellation once the socket is connected, so a server that accepts and never answers would
    /// hold the open for the connection string's whole Timeout; a connection that opens after the
    /// caller gave up goes straight back to the pool.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenWithinAsync(this NpgsqlDataSource dataSource, CancellationToken deadline)
    {
        var opening = dataSource.OpenConnectionAsync(deadline).AsTask();
        try
        {
            return await opening.WaitAsync(deadline);
        }
        catch (OperationCanceledException) when (!opening.IsCompleted)
        {
            _ = opening.ContinueWith(static task => task.Result.Dispose(), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
    }
}
