namespace Dixie.Bff.Infrastructure.Outbox;

/// <summary>
/// A signal payload (the envelope's `data`, spec 10 §2.3). The record knows its own subject and type,
/// so a feature cannot publish a payload under the wrong name. Both are outside the serialized data.
/// </summary>
public interface ISignalData
{
    string Subject { get; }

    string Type { get; }
}
