using System.Threading.Channels;
using Dixie.Bff.Infrastructure.Configuration;

namespace Dixie.Bff.Features.Allowlist;

/// <summary>
/// Keeps <see cref="CurrentAllowlist"/> equal to the file (spec 04 §5.2–§5.3): a FileSystemWatcher on
/// the directory, debounced, and a periodic length/last-write-time check whatever the watcher does
/// (network filesystems deliver no events for remote writes). A malformed or vanished file keeps
/// the last good list. Every read and every swap happens under one gate, so a slow read can never
/// put back an older list over a newer one.
/// </summary>
public sealed class AllowlistReloader(
    DixieConfig config,
    AllowlistOptions options,
    AllowlistStartupRead startupRead,
    CurrentAllowlist current,
    AllowlistReloadSignal reloadSignal,
    TimeProvider clock,
    ILogger<AllowlistReloader> logger) : BackgroundService
{
    private readonly string _path = config.Access.AllowlistPath;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<bool> _events = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private volatile AllowlistDocument _document = AllowlistDocument.Empty();
    private volatile FileStamp _seen = startupRead.Stamp;
    private volatile string? _lastFailure;
    private bool _listedFromFile;
    private FileSystemWatcher? _watcher;

    /// <summary>The document behind the current list (the admin API's view).</summary>
    public AllowlistDocument Document => _document;

    /// <summary>Why the last reload kept the previous list; null when it succeeded (governance ALW-002).</summary>
    public string? LastReloadFailure => _lastFailure;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Installed before the server accepts requests, so no request sees the empty placeholder.
        switch (startupRead.Read)
        {
            case AllowlistRead.Valid valid:
                Install(valid.Document, valid.ContentHash);
                LogLoaded(valid.Document);
                break;
            default:
                current.Replace(AllowlistSnapshot.Empty, clock.GetUtcNow());
                AllowlistLog.Missing(logger, _path);
                break;
        }
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Reads the file now (sign-in calls this when a wallet's revocation watermark is newer than
    /// <see cref="CurrentAllowlist.LoadedAt"/>, spec 04 §5.3). True when the list in force is the
    /// file's content as of this call; false when the file was malformed or gone and the previous
    /// list was kept.
    /// </summary>
    public async Task<bool> ReloadNowAsync(CancellationToken cancellationToken)
    {
        AllowlistRead.Valid? changed;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _seen = FileStamp.Of(_path);
            var read = AllowlistFile.Read(_path);
            switch (read)
            {
                case AllowlistRead.Valid valid when valid.ContentHash == current.Snapshot.ContentHash:
                case AllowlistRead.Missing when !_listedFromFile:
                    // Nothing changed; the list is confirmed as of this read.
                    current.Replace(current.Snapshot, clock.GetUtcNow());
                    _lastFailure = null;
                    return true;
                case AllowlistRead.Valid valid:
                    Install(valid.Document, valid.ContentHash);
                    LogLoaded(valid.Document);
                    changed = valid;
                    break;
                case AllowlistRead.Malformed malformed:
                    Fail(malformed.Reason);
                    return false;
                default:
                    Fail("the file has disappeared");
                    return false;
            }
        }
        finally
        {
            _gate.Release();
        }
        await reloadSignal.RecordAsync(changed.Bytes, current.Snapshot, cancellationToken);
        return true;
    }

    /// <summary>
    /// Holds reloads off while an admin write replaces the file and commits: a reload in between
    /// would put in force a change that can still be rolled back.
    /// </summary>
    internal async Task<IDisposable> HoldAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return new Release(_gate);
    }

    /// <summary>Puts a committed admin write in force; the caller holds <see cref="HoldAsync"/>.</summary>
    internal void InstallWritten(AllowlistDocument document, byte[] fileBytes) =>
        Install(document, AllowlistFile.ContentHash(fileBytes));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(WatchLoopAsync(stoppingToken), PollLoopAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        _gate.Dispose();
        base.Dispose();
    }

    private async Task WatchLoopAsync(CancellationToken ct)
    {
        if (!options.WatchDirectory) return;
        StartWatcher();
        while (await _events.Reader.WaitToReadAsync(ct))
        {
            _events.Reader.TryRead(out _);
            // Read once the file has been quiet for the debounce time: editors write in several steps.
            // Real time, not the injected clock: a test's frozen clock must not stop reloads.
            do
            {
                await Task.Delay(options.Debounce, TimeProvider.System, ct);
            }
            while (_events.Reader.TryRead(out _));
            await ReloadInBackgroundAsync(ct);
        }
    }

    private async Task PollLoopAsync(CancellationToken ct)
    {
        if (options.PollInterval is not { } interval) return;
        using var timer = new PeriodicTimer(interval, TimeProvider.System);
        while (await timer.WaitForNextTickAsync(ct))
        {
            // The directory may have been created since start.
            if (options.WatchDirectory && _watcher is null) StartWatcher();
            if (FileStamp.Of(_path) != _seen) await ReloadInBackgroundAsync(ct);
        }
    }

    private void StartWatcher()
    {
        var directory = Path.GetDirectoryName(_path)!;
        var name = Path.GetFileName(_path);
        if (!Directory.Exists(directory)) return;
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            FileSystemEventHandler onChange = (_, e) => { if (e.Name == name) Signal(); };
            watcher.Changed += onChange;
            watcher.Created += onChange;
            watcher.Deleted += onChange;
            watcher.Renamed += (_, e) => { if (e.Name == name || e.OldName == name) Signal(); };
            // Lost events (buffer overflow): read the file rather than trust what arrived.
            watcher.Error += (_, _) => Signal();
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // E.g. the inotify instance limit: the periodic check still sees every change.
        }
    }

    private void Signal() => _events.Writer.TryWrite(true);

    private void Install(AllowlistDocument document, string contentHash)
    {
        _document = document;
        _listedFromFile = true;
        _lastFailure = null;
        current.Replace(document.ToSnapshot(contentHash), clock.GetUtcNow());
    }

    /// <summary>
    /// A reload nobody waits for: whatever goes wrong, the last good list stays in force and the
    /// watch and poll loops keep running (a dead loop would stop the service).
    /// </summary>
    private async Task ReloadInBackgroundAsync(CancellationToken ct)
    {
        try
        {
            await ReloadNowAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            Fail($"unexpected {e.GetType().Name}");
        }
    }

    private void Fail(string reason)
    {
        _lastFailure = reason;
        AllowlistLog.ReloadFailed(logger, reason);
        AllowlistMetrics.ReloadFailures.Add(1);
    }

    private void LogLoaded(AllowlistDocument document)
    {
        foreach (var warning in document.Warnings) AllowlistLog.EntryInvalid(logger, warning.Member, warning.Index, warning.Reason);
        AllowlistLog.Loaded(logger, document.Wallets.Count, document.ApiKeys.Count);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
