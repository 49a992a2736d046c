namespace Dixie.FinnEmulator.Faults;

public enum FaultMode
{
    None,
    Down,
    Slow,
    Error,
}

/// <summary>The effective process-wide setting of <c>POST /_emulator/faults</c> (spec 11 §7.3).</summary>
public sealed record FaultSetting(FaultMode Mode, int Status, string Code, int DelayMs, double Ratio, string? Path, int? Count)
{
    public static readonly FaultSetting None = new(FaultMode.None, 500, FaultDirective.DefaultCode, 10_000, 1, null, null);

    /// <summary>The per-request directive this mode amounts to.</summary>
    public FaultDirective ToDirective() => Mode switch
    {
        FaultMode.Down => new FaultDirective { Close = true },
        FaultMode.Slow => new FaultDirective { DelayMs = DelayMs },
        FaultMode.Error => new FaultDirective { Status = Status, Code = Code },
        _ => new FaultDirective(),
    };
}

/// <summary>
/// Process-wide fault switch. When the mode is <c>none</c> the hot path reads one volatile field and
/// takes no lock; otherwise a lock keeps the ratio accumulator and the count exact.
/// </summary>
public sealed class ProcessFaults
{
    // The ratio is kept in billionths so that 0.2 fires on exactly every fifth request.
    private const long Whole = 1_000_000_000;

    private readonly Lock _gate = new();
    private FaultSetting _setting = FaultSetting.None;
    private FaultDirective? _directive;
    private long _ratioUnits;
    private long _accumulator;
    private long _fired;
    private volatile bool _active;

    public (FaultSetting Setting, long Fired) Current
    {
        get
        {
            lock (_gate)
            {
                return (_setting, _fired);
            }
        }
    }

    public void Set(FaultSetting setting)
    {
        lock (_gate)
        {
            _setting = setting;
            _directive = setting.Mode == FaultMode.None ? null : setting.ToDirective();
            _ratioUnits = Math.Max(1, (long)Math.Round(setting.Ratio * Whole));
            _accumulator = 0;
            _fired = 0;
            _active = _directive is not null;
        }
    }

    /// <summary>The directive to apply to a request on <paramref name="path"/>, or null.</summary>
    public FaultDirective? Next(string path)
    {
        if (!_active)
        {
            return null;
        }
        lock (_gate)
        {
            if (_directive is null || (_setting.Path is { } prefix && !path.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return null;
            }
            _accumulator += _ratioUnits;
            if (_accumulator < Whole)
            {
                return null;
            }
            _accumulator -= Whole;
            _fired++;
            var directive = _directive;
            if (_setting.Count is { } count && _fired >= count)
            {
                // Expired: back to none, but GET still reports how often it fired.
                _setting = FaultSetting.None;
                _directive = null;
                _active = false;
            }
            return directive;
        }
    }
}
