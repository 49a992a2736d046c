namespace Dixie.Bff.Data;

/// <summary>
/// SHA-256 of the TypeScript service's files at loa-dixie 18596bfe (spec 09 §9). Our 005–014 create
/// the same schema from independently written files, so on an adopted database these are the
/// recorded checksums, and a mismatch against them is expected rather than a sign of tampering.
/// </summary>
public static class TypeScriptOriginals
{
    public static readonly IReadOnlyDictionary<string, string> Checksums = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["005_reputation_aggregates.sql"] = "294bbb0f46f3a709df3362e6fde19e689225b5d813239eb4fe574bcee0bc8924",
        ["006_reputation_task_cohorts.sql"] = "4892782142d5b89dca987698bae3f278a2441153a41c5bb1dcc8ff51fd506eeb",
        ["007_reputation_events.sql"] = "1e61e67af0c47b870db3d51fe75b0d34ac15b33020accbb85a0fd30312338d49",
        ["008_mutation_log.sql"] = "75aef16986e67a6cd957e3ada278238d7930d047f8e46e98af95e53b0eb43a3c",
        ["009_audit_trail.sql"] = "3698dd0a7b5a5d129fef4fe86fea3593ff3c985ee19927de63dfa4ba3eb8c3e3",
        ["012_audit_chain_uniqueness.sql"] = "0ef82bc5ceb00d0af0c6b973d48abf6c7024bdaf87302d6834d5ab1ef0712793",
        ["013_fleet_orchestration.sql"] = "150087c22766e42ee654cd2ace0e0bcc072f76c2c134c5caf1aa6df8cbd50bea",
        ["014_outbox.sql"] = "36c3bc814e452f0a0fbf85d8e37fdb9944248fcc69526ca7ace406667c4e9d0e",
    };

    /// <summary>True when <paramref name="recordedChecksum"/> is the TypeScript file's checksum.</summary>
    public static bool IsOriginal(string fileName, string recordedChecksum) =>
        Checksums.TryGetValue(fileName, out var original) && string.Equals(original, recordedChecksum, StringComparison.Ordinal);
}
