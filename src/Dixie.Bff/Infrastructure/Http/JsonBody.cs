using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Dixie.Bff.Infrastructure.Http;

/// <summary>
/// Spec 02 §13.3 for handlers that read their own body: whether one was sent, and that it declares
/// `application/json` (charset absent or utf-8).
/// </summary>
public static class JsonBody
{
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.ContentLength is null && request.Headers.TransferEncoding.Count > 0;

    public static bool HasWrongMediaType(HttpRequest request) =>
        HasBody(request)
        && !(MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
             && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
             && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)));

    public static JsonHttpResult<ApiError> UnsupportedMediaType() =>
        ApiErrors.Result(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json");
}
