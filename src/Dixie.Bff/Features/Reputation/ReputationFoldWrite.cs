using System.Text.Json.Nodes;
using Npgsql;

namespace Dixie.Bff.Features.Reputation;

/// <summary>One aggregate write of <see cref="ReputationFoldWrite.WriteAsync"/>: an insert when <paramref name="ReadVersion"/> is null.</summary>
public sealed record AggregateWrite(string NftId, JsonObject Data, int? ReadVersion, int NewVersion);

/// <summary>
/// The ingest's rows after the fold, sent as one batch: a batch of 100 events on 10 agents would
/// otherwise pay a round trip per row while every other writer waits on the population lock.
/// </summary>
public static class ReputationFoldWrite
{
    /// <summary>
    /// Writes, in this order: every aggregate (as
    /// <see cref="ReputationRows.WriteAggregateAsync"/>), every cohort (as <see cref="ReputationRows.UpsertCohortAsync"/>), then the population.
    /// </summary>
    /// <exception cref="LostUpdateException">An aggregate's version moved since it was read.</exception>
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<AggregateWrite> aggregates, IEnumerable<(string NftId, JsonObject Cohort)> cohorts, PopulationStats population, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var write in aggregates)
        {
            var command = new NpgsqlBatchCommand(ReputationRows.AggregateSql(write.ReadVersion));
            ReputationRows.FillAggregate(command.Parameters, write.NftId, write.Data, write.ReadVersion, write.NewVersion);
            batch.BatchCommands.Add(command);
        }
        foreach (var (nftId, cohort) in cohorts)
        {
            var command = new NpgsqlBatchCommand(ReputationRows.UpsertCohortSql);
            ReputationRows.FillCohort(command.Parameters, nftId, cohort);
            batch.BatchCommands.Add(command);
        }
        var populationCommand = new NpgsqlBatchCommand(ReputationRows.WritePopulationSql);
        ReputationRows.FillPopulation(populationCommand.Parameters, population);
        batch.BatchCommands.Add(populationCommand);
        await batch.ExecuteNonQueryAsync(ct);
        for (var i = 0; i < aggregates.Count; i++)
        {
            if (batch.BatchCommands[i].RecordsAffected != 1) throw new LostUpdateException(aggregates[i].NftId);
        }
    }
}
