using Dixie.Bff.Data;

namespace Dixie.Bff.Tests.Data;

public sealed class MigrationLockKeyTests
{
    [Fact]
    public void Lock_key_is_fnv1a_of_the_name()
    {
        Assert.Equal(-420369755L, MigrationLock.Derive("dixie-bff:migration"));
        Assert.Equal(MigrationLock.Key, MigrationLock.Derive(MigrationLock.Name));
        Assert.Equal(0xE6F1AAA5u, unchecked((uint)MigrationLock.Key));
        // pg_locks shows the bigint as its high and low 32-bit halves.
        Assert.Equal(4294967295L, (MigrationLock.Key >> 32) & 0xFFFFFFFF);
        Assert.Equal(3874597541L, MigrationLock.Key & 0xFFFFFFFF);
        Assert.Equal((MigrationLock.ClassId, MigrationLock.ObjId), ((MigrationLock.Key >> 32) & 0xFFFFFFFF, MigrationLock.Key & 0xFFFFFFFF));
    }

    [Fact]
    public void Fnv1a_matches_the_reference_vectors()
    {
        // Published FNV-1a 32-bit test vectors: "" → 0x811C9DC5, "a" → 0xE40C292C.
        Assert.Equal(unchecked((int)0x811C9DC5u), MigrationLock.Derive(""));
        Assert.Equal(unchecked((int)0xE40C292Cu), MigrationLock.Derive("a"));
    }
}
