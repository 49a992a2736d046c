using System.Text.Json;

namespace Dixie.Bff.Tests.Emulator;

internal static class FrameAssert
{
    public static string TypeOf(JsonElement frame) => frame.GetProperty("type").GetString()!;

    public static void AssertError(JsonElement frame, string message, bool recoverable)
    {
        Assert.Equal("error", TypeOf(frame));
        Assert.Equal(message, frame.GetProperty("data").GetProperty("message").GetString());
        Assert.Equal(recoverable, frame.GetProperty("data").GetProperty("recoverable").GetBoolean());
    }
}
