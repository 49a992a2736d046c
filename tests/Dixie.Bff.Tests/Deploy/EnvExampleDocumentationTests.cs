namespace Dixie.Bff.Tests.Deploy;

/// <summary>
/// `.env.example` is the operator's reference (spec 12 §2): every variable the service reads is in it
/// (Configuration/EnvFileTests keeps the list equal to spec 01) and each one is explained.
/// </summary>
public sealed class EnvExampleDocumentationTests
{
    [Fact]
    public void Every_variable_has_its_own_comment_directly_above_it()
    {
        var lines = DeployFiles.Text(".env.example").Split('\n');
        var undocumented = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 || lines[i].StartsWith('#')) continue;
            var name = lines[i][..lines[i].IndexOf('=')];
            if (i == 0 || !lines[i - 1].StartsWith("# ", StringComparison.Ordinal) || lines[i - 1].StartsWith("# ---", StringComparison.Ordinal))
                undocumented.Add(name);
        }
        Assert.Empty(undocumented);
    }

    [Fact]
    public void Header_names_the_required_variables_and_how_to_generate_the_secrets()
    {
        var header = DeployFiles.Text(".env.example").Split("# --- process and HTTP ---")[0];
        foreach (var required in new[] { "FINN_URL", "DIXIE_JWT_PRIVATE_KEY", "DATABASE_URL", "DIXIE_ADMIN_KEY", "POSTGRES_PASSWORD" })
            Assert.Contains(required, header, StringComparison.Ordinal);
        Assert.Contains("openssl rand -hex 32", header, StringComparison.Ordinal);
        Assert.Contains("deploy/.env.staging", header, StringComparison.Ordinal);
    }
}
