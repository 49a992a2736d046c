namespace Dixie.Bff.Infrastructure.Finn;

/// <summary>
/// The fixed list of finn calls: `Name` is the metric label, `Route` the template logs show
/// (never a concrete path, which would carry session ids).
/// </summary>
public sealed record FinnOperation(string Name, HttpMethod Method, string Route)
{
    public static readonly FinnOperation CreateSession = new("create_session", HttpMethod.Post, "POST /api/sessions");
    public static readonly FinnOperation SendMessage = new("send_message", HttpMethod.Post, "POST /api/sessions/{id}/message");
    public static readonly FinnOperation GetSession = new("get_session", HttpMethod.Get, "GET /api/sessions/{id}");
    public static readonly FinnOperation ConvictionStaking = new("conviction_staking", HttpMethod.Get, "GET /api/conviction/{wallet}/staking");
    public static readonly FinnOperation VerifyTba = new("verify_tba", HttpMethod.Post, "POST /api/auth/verify-tba");
    public static readonly FinnOperation AgentQuery = new("agent_query", HttpMethod.Post, "POST /api/chat");
    public static readonly FinnOperation KnowledgeMetadata = new("knowledge_metadata", HttpMethod.Get, "GET /api/knowledge/metadata");
}
