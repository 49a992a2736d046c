using System.Text.Json.Serialization;
using Dixie.FinnEmulator.Agent;
using Dixie.FinnEmulator.Faults;
using Dixie.FinnEmulator.Health;
using Dixie.FinnEmulator.Pipeline;
using Dixie.FinnEmulator.Sessions;

namespace Dixie.FinnEmulator.Hosting;

/// <summary>Source-generated serialisation for every JSON body the emulator writes with a fixed shape.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FinnError))]
[JsonSerializable(typeof(HealthzBody))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(SessionCreated))]
[JsonSerializable(typeof(MessageReply))]
[JsonSerializable(typeof(SessionList))]
[JsonSerializable(typeof(SessionDetail))]
[JsonSerializable(typeof(FaultView))]
[JsonSerializable(typeof(TbaVerification))]
[JsonSerializable(typeof(AgentAnswer))]
[JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext;
