using Dixie.Bff.Infrastructure.Identity;
using Microsoft.AspNetCore.Http.Features;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>
/// Stage 9 (spec 02 §7): the limit applies to the bytes actually received. A declared length above
/// the limit is refused before the body is read; chunked bodies are counted as they are read.
/// </summary>
public sealed class BodySizeLimitMiddleware(RequestDelegate next)
{
    public const long DefaultLimit = 102_400;
    public const long ReputationEventsLimit = 524_288;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var encoding = request.Headers.ContentEncoding;
        if (encoding.Count > 0 && !encoding.All(e => string.Equals(e?.Trim(), "identity", StringComparison.OrdinalIgnoreCase)))
            return ApiErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Content-Encoding is not supported");

        var limit = LimitFor(request);
        var kestrelLimit = limit;
        if (request.ContentLength is { } length)
        {
            if (length > limit) return PayloadTooLarge(context, limit);
        }
        else if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            request.Body = new LimitedRequestStream(request.Body, limit);
            // Ours must be the one that fires: Kestrel's is an IOException that framework body
            // readers swallow, and it counts buffered bytes not yet handed out. Kestrel stays a
            // second line well behind ours.
            kestrelLimit = limit * 2;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = kestrelLimit;
        return next(context);
    }

    private static readonly (string Method, string Path)[] ReputationEvents = [(HttpMethods.Post, "/api/reputation/events")];

    /// <summary>Matched as routing matches it: case-insensitive, one trailing `/` ignored.</summary>
    public static long LimitFor(HttpRequest request) =>
        GateRoutes.MatchesExact(request, ReputationEvents) ? ReputationEventsLimit : DefaultLimit;

    public static Task PayloadTooLarge(HttpContext context, long limit) =>
        ApiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"Body exceeds {limit} bytes");
}

/// <summary>
/// Thrown when a body without Content-Length grows past the limit; stage 6 answers 413. Not an
/// IOException: framework body readers treat those as a vanished client and swallow them.
/// </summary>
public sealed class PayloadTooLargeException(long limit) : Exception($"Body exceeds {limit} bytes")
{
    public long Limit { get; } = limit;
}

/// <summary>Counts bytes as they are read and fails on the first byte beyond the limit.</summary>
internal sealed class LimitedRequestStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int n)
    {
        _read += n;
        if (_read > limit) throw new PayloadTooLargeException(limit);
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
