namespace Tessera.Runtime.Tests.Simulation;

/// <summary>
/// Watches every live site's fault stream for every entity through the faulty phase, and checks what a stream
/// promises: each element differs from the one before, nothing follows a final state (LocalFail, PermFail), a
/// stream that reached one ends by itself, and the last element is the state the site reports at the end. A reference
/// taken again after a release is watched from the moment it is taken; the released one stays watched and judged. A
/// dropped one's stream is stopped when it is dropped, since a stream keeps its entity alive, and is judged on what it
/// showed until then.
/// </summary>
internal sealed class FaultStreamProbe : IDisposable
{
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(2);
    private readonly List<Watcher> _watchers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(IEntityReferences References, Action<int, object> OnTaken, Action<int, object> OnDropped)> _subscriptions = new();

    public FaultStreamProbe(SimWorld world, IReadOnlyDictionary<Protocol, IEntityReferences> entities)
    {
        foreach (var (protocol, references) in entities)
        {
            foreach (var site in world.Live) _watchers.Add(new Watcher(protocol, site, references.CurrentOf(site)!, _stop.Token));
            Action<int, object> onTaken = (site, reference) => Watch(protocol, site, reference);
            Action<int, object> onDropped = (_, reference) => StopWatching(reference);
            references.Taken += onTaken;
            references.Dropped += onDropped;
            _subscriptions.Add((references, onTaken, onDropped));
        }
    }

    /// <summary>
    /// Judges the streams once the fault states have settled. A stream delivers on the pool, a moment after the
    /// state changed, and a [Cached] object's loss reaches sites that do not use it some time after the heal; so
    /// each stream gets <see cref="CatchUp"/> to show the state its site reports (and to end, if that is final).
    /// On a loaded machine Ok and TempFail may still alternate, so a stream need only match its state once.
    /// </summary>
    public async Task CheckAsync(SimWorld world, Findings findings)
    {
        List<Watcher> judged;
        lock (_watchers) judged = _watchers.Where(w => !world.IsDead(w.Site)).ToList();
        var watched = judged.Where(w => w.Entity is not null).ToList();
        var behind = await Eventually.EachAsync(watched, w => w.Shows(Faults.StateOf(w.Entity!)), CatchUp);
        // A final state may arrive just now; it never changes again, so its stream must come to show it too.
        var finals = watched.Select(w => (Watcher: w, State: Faults.StateOf(w.Entity!))).Where(f => FaultStream.IsFinal(f.State)).ToList();
        var missed = (await Eventually.EachAsync(finals, f => f.Watcher.Shows(f.State), CatchUp)).ToDictionary(f => f.Watcher, f => f.State);
        lock (_watchers) _stop.Cancel();
        foreach (var watcher in judged)
        {
            var ended = await watcher.Done.WaitAsync(CatchUp).ContinueWith(t => t.IsCompletedSuccessfully);
            var seen = watcher.Seen();
            var shown = string.Join(",", seen);
            var name = $"s{watcher.Site}'s {(watcher.Entity is null ? "dropped " : "")}{watcher.Protocol.ToString().ToLowerInvariant()} entity";
            if (!ended) findings.Add($"fault stream: {name}'s stream did not end when cancelled: {shown}");
            else if (watcher.Failure is { } failure) findings.Add($"fault stream: {name}'s stream failed: {failure}");
            if (seen.Zip(seen.Skip(1)).Any(p => p.First == p.Second)) findings.Add($"fault stream: {name} repeated a state: {shown}");
            if (seen.SkipLast(1).Any(FaultStream.IsFinal)) findings.Add($"fault stream: {name} went on after a final state: {shown}");
            // A final state that arrives as the streams are stopped ends its stream either way, so the probe cannot
            // tell which did it: a fresh stream of that entity shows whether it ends by itself.
            if (watcher.Entity is not { } entity) continue;
            if (seen.Count > 0 && FaultStream.IsFinal(seen[^1]) && !watcher.EndedByItself && !await EndsByItselfAsync(entity))
                findings.Add($"fault stream: {name} reached {seen[^1]} but did not end by itself");
            if (behind.Contains(watcher) || missed.ContainsKey(watcher))
                findings.Add($"fault stream: {name}'s stream ({shown}) did not come to show its state, {Faults.StateOf(entity)}, within {CatchUp.TotalSeconds:0} s");
        }
    }

    /// <summary>Whether a new stream of <paramref name="entity"/> comes to a final state and ends, without being stopped.</summary>
    private static async Task<bool> EndsByItselfAsync(object entity)
    {
        using var deadline = new CancellationTokenSource(CatchUp);
        var last = FaultState.Ok;
        await foreach (var state in Faults.Watch(entity, deadline.Token)) last = state;
        return !deadline.IsCancellationRequested && FaultStream.IsFinal(last);
    }

    /// <summary>Ends every stream still open, also when the run failed before its check.</summary>
    public void Dispose()
    {
        foreach (var (references, onTaken, onDropped) in _subscriptions)
        {
            references.Taken -= onTaken;
            references.Dropped -= onDropped;
        }
        lock (_watchers) _stop.Cancel();
        _stop.Dispose();
    }

    private void Watch(Protocol protocol, int site, object reference)
    {
        lock (_watchers)
        {
            // A take that ends after the check began is no part of it (the workload is over by then).
            if (!_stop.IsCancellationRequested) _watchers.Add(new Watcher(protocol, site, reference, _stop.Token));
        }
    }

    private void StopWatching(object dropped)
    {
        lock (_watchers)
        {
            foreach (var watcher in _watchers.Where(w => ReferenceEquals(w.Entity, dropped))) watcher.Drop();
        }
    }

    private sealed class Watcher
    {
        private readonly List<FaultState> _seen = new();
        private readonly CancellationTokenSource _dropped;

        public Watcher(Protocol protocol, int site, object entity, CancellationToken stop)
        {
            Protocol = protocol;
            Site = site;
            Entity = entity;
            _dropped = CancellationTokenSource.CreateLinkedTokenSource(stop);
            Done = Task.Run(() => WatchAsync(entity, _dropped.Token));
        }

        public Protocol Protocol { get; }

        public int Site { get; }

        /// <summary>Null once its site dropped it.</summary>
        public object? Entity { get; private set; }

        public Task Done { get; }

        public bool EndedByItself { get; private set; }

        public Exception? Failure { get; private set; }

        public List<FaultState> Seen()
        {
            lock (_seen) return _seen.ToList();
        }

        /// <summary>Whether the stream has shown <paramref name="state"/> last, and ended if it is final.</summary>
        public bool Shows(FaultState state)
        {
            lock (_seen)
            {
                if (_seen.Count == 0 || _seen[^1] != state) return false;
            }
            return !FaultStream.IsFinal(state) || Done.IsCompleted;
        }

        /// <summary>Stops the stream, which lets go of the entity once it ends, and forgets the entity.</summary>
        public void Drop()
        {
            Entity = null;
            _dropped.Cancel();
        }

        private async Task WatchAsync(object entity, CancellationToken stop)
        {
            try
            {
                await foreach (var state in Faults.Watch(entity, stop))
                {
                    lock (_seen) _seen.Add(state);
                }
                EndedByItself = !stop.IsCancellationRequested;
            }
            catch (Exception ex)
            {
                Failure = ex;
            }
        }
    }
}
