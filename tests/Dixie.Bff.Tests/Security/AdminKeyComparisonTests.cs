using System.Net;
using System.Reflection;
using System.Reflection.Emit;
using System.Security.Cryptography;
using Dixie.Bff.Infrastructure.Identity;
using Dixie.Bff.Tests.Support;

namespace Dixie.Bff.Tests.Security;

/// <summary>
/// Spec 13 §3 "Admin key" at unit level: which presented keys match, and that the comparison is the
/// fixed-time one (the HTTP matrix of every admin route is Admin/AdminKeyTests).
/// </summary>
[Trait("Category", "Security")]
public sealed class AdminKeyComparisonTests
{
    private const string Configured = "0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData(Configured, true)]
    [InlineData("", false)]
    [InlineData("0123456789abcdef", false)]
    [InlineData(Configured + "0", false)]
    [InlineData("0123456789abcdef0123456789abcdeF", false)]
    [InlineData("1123456789abcdef0123456789abcdef", false)]
    [InlineData(" " + Configured, false)]
    public void Only_the_exact_key_matches(string presented, bool matches) => Assert.Equal(matches, new AdminKey(Configured).Matches(presented));

    [Theory]
    [InlineData("Bearer " + Configured, Configured)]
    [InlineData("bearer   " + Configured + "  ", Configured)]
    [InlineData(Configured, Configured)]
    [InlineData("Bearer", "")]
    [InlineData("", "")]
    [InlineData("Bearer" + Configured, "Bearer" + Configured)]
    [InlineData("Basic " + Configured, "Basic " + Configured)]
    public void The_presented_key_is_the_header_without_its_bearer_scheme(string header, string presented) =>
        Assert.Equal(presented, AdminKey.Presented(header));

    [Fact]
    public void The_comparison_is_fixed_time()
    {
        // Compared as SHA-256 digests with CryptographicOperations.FixedTimeEquals: neither the first
        // differing position nor the length of the presented key shows in the time taken.
        var called = CalledMethods(typeof(AdminKey).GetMethod(nameof(AdminKey.Matches))!);
        Assert.Contains(called, m => m.DeclaringType == typeof(CryptographicOperations) && m.Name == nameof(CryptographicOperations.FixedTimeEquals));
        Assert.DoesNotContain(called, m => m.DeclaringType == typeof(string) && m.Name is "Equals" or "op_Equality" or "CompareOrdinal" or "Compare");
        Assert.DoesNotContain(called, m => m.Name == "SequenceEqual");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task An_empty_or_missing_key_setting_closes_the_admin_api(string? setting)
    {
        await using var host = await DixieHost.StartAsync(new DixieHostOptions { Environment = { ["DIXIE_ADMIN_KEY"] = setting } });
        foreach (var presented in new[] { "Bearer ", "Bearer " + TestEnvironment.AdminKey, "" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/audit");
            request.Headers.TryAddWithoutValidation("Authorization", presented);
            await ErrorAssert.IsErrorAsync(await host.Client.SendAsync(request), HttpStatusCode.Forbidden, "forbidden", "Admin API not configured");
        }
    }

    /// <summary>The methods a method body calls, read from its IL.</summary>
    private static List<MethodBase> CalledMethods(MethodInfo method)
    {
        var il = method.GetMethodBody()!.GetILAsByteArray()!;
        var calls = new List<MethodBase>();
        for (var i = 0; i < il.Length - 4; i++)
        {
            if (il[i] != OpCodes.Call.Value && il[i] != OpCodes.Callvirt.Value) continue;
            var token = BitConverter.ToInt32(il, i + 1);
            try
            {
                if (method.Module.ResolveMethod(token, method.DeclaringType!.GetGenericArguments(), null) is { } called) calls.Add(called);
            }
            catch (ArgumentException)
            {
                // Not a method token: the byte was an operand of another instruction.
            }
        }
        return calls;
    }
}
