using Microsoft.Net.Http.Headers;

namespace Dixie.Bff.Features.Reputation;

/// <summary>Spec 02 §13.3: a request with a body must declare `application/json` (charset absent or utf-8).</summary>
internal static class JsonBody
{
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.ContentLength is null && request.Headers.TransferEncoding.Count > 0;

    public static bool HasWrongMediaType(HttpRequest request) =>
        HasBody(request)
        && !(MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
             && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
             && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)));

    public static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Infrastructure.Http.ApiError> UnsupportedMediaType() =>
        Infrastructure.Http.ApiErrors.Result(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Content-Type must be application/json");
}
