using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Dixie.Bff.Infrastructure;
using Dixie.Bff.Infrastructure.Finn;
using Dixie.Bff.Infrastructure.Http;

namespace Dixie.Bff.Features.Agents;

/// <summary>`POST /api/agent/query` (spec 07 §2.5): validation, budget pre-flight, finn, cost, receipt, headers.</summary>
public static class AgentQueryEndpoint
{
    public const string Payee = "dixie-oracle";
    private static readonly char[] ReceiptAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz".ToCharArray();

    public static async Task<IResult> HandleAsync(HttpContext context, FinnClient finn, TimeProvider clock, CancellationToken ct)
    {
        if (JsonBody.HasWrongMediaType(context.Request)) return JsonBody.UnsupportedMediaType();
        AgentQueryRequest? query;
        string? problem;
        using (var body = await ReadJsonAsync(context.Request, ct))
            (query, problem) = AgentQueryRequest.Validate(body);
        if (query is null) return ApiErrors.Result(StatusCodes.Status400BadRequest, "invalid_request", problem!);

        if (query.MaxCostMicroUsd > 0 && ModelPricing.Estimate > query.MaxCostMicroUsd)
        {
            return ApiErrors.Result(StatusCodes.Status402PaymentRequired, "budget_exceeded",
                $"Estimated cost {ModelPricing.Estimate}\u03bcUSD exceeds max {query.MaxCostMicroUsd}\u03bcUSD");
        }

        var agent = AgentIdentity.Of(context);
        var request = new FinnAgentQuery(query.Query, agent.TbaAddress, query.Format, query.MaxTokens, query.KnowledgeDomain, query.SessionId);
        FinnResponse<FinnAgentAnswer> response;
        try
        {
            response = await finn.SendAsync(FinnOperation.AgentQuery, "api/chat", request, FinnAgentJson.Default.FinnAgentAnswer,
                new FinnCallContext(context.TraceIdentifier, context.ClientIp()?.ToString()), ct);
        }
        catch (FinnCallException failure)
        {
            return FinnErrors.ToResult(failure);
        }
        if (response.Value is not { } answer) return FinnErrors.ToResult(FinnErrors.ForAnswer(response.Status, response.Code));

        var cost = ModelPricing.Cost(answer.Model, answer.InputTokens, answer.OutputTokens);
        var now = clock.GetUtcNow();
        var receipt = new AgentReceipt(ReceiptId(now), agent.TbaAddress, Payee, cost, IsoTime.Format(now));
        var headers = context.Response.Headers;
        headers["X-Cost-Micro-USD"] = cost.ToString(CultureInfo.InvariantCulture);
        headers["X-Model-Used"] = answer.Model;
        headers["X-Receipt-Id"] = receipt.ReceiptId;
        // ASCII "uUSD": a header cannot carry U+03BC (the TypeScript service failed with a 500 here).
        if (query.MaxCostMicroUsd > 0 && cost > query.MaxCostMicroUsd)
            headers["X-Budget-Warning"] = $"Actual cost {cost}uUSD exceeded max {query.MaxCostMicroUsd}uUSD";

        var result = new AgentQueryResponse(answer.Response, query.Format, answer.ReadSources() ?? [],
            new AgentCost(answer.Model, answer.InputTokens, answer.OutputTokens, cost), receipt, query.SessionId);
        return TypedResults.Json(result, AgentJson.Wire.AgentQueryResponse);
    }

    /// <summary>`rcpt-&lt;unix ms&gt;-&lt;6 chars [0-9a-z] from a CSPRNG&gt;`.</summary>
    public static string ReceiptId(DateTimeOffset now) =>
        $"rcpt-{now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}-{new string(RandomNumberGenerator.GetItems<char>(ReceiptAlphabet, 6))}";

    private static async Task<JsonDocument?> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await JsonText.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
