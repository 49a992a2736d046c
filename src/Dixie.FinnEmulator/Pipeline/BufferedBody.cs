using System.Buffers;
using System.IO.Pipelines;

namespace Dixie.FinnEmulator.Pipeline;

/// <summary>
/// The request body, read once by <see cref="RequestPipeline"/> so the request log and the handler
/// see the same bytes.
/// </summary>
public sealed class BufferedBody(byte[] bytes)
{
    public static readonly BufferedBody Empty = new([]);

    public byte[] Bytes { get; } = bytes;

    public static BufferedBody Of(HttpContext context) => context.Features.Get<BufferedBody>() ?? Empty;

    public static async Task<BufferedBody> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !HttpMethods.IsPost(request.Method)
            && !HttpMethods.IsPut(request.Method) && !HttpMethods.IsPatch(request.Method) && !HttpMethods.IsDelete(request.Method)))
        {
            return Empty;
        }
        PipeReader reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(request.HttpContext.RequestAborted);
            if (read.IsCompleted || read.IsCanceled)
            {
                var bytes = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return bytes.Length == 0 ? Empty : new BufferedBody(bytes);
            }
            // Look at everything but consume nothing, so the next read returns the whole body.
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }
}
