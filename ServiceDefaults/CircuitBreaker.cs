namespace NutritionAspire.ServiceDefaults;

/// <summary>
/// Fails calls to a dependency at once while it keeps timing out or being unreachable, instead of letting every
/// caller wait out its deadline. After <c>failureThreshold</c> failures in a row the circuit opens for
/// <c>breakDuration</c>; then one probe call goes through: its success closes the circuit, its failure opens it again.
/// Any answer from the dependency, even an error, counts as a success: it shows the dependency is there.
/// </summary>
public sealed class CircuitBreaker(int failureThreshold, TimeSpan breakDuration, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private int _consecutiveFailures;
    private long _openUntil;
    private bool _open;
    private bool _probeInFlight;

    /// <summary>Whether the circuit is open (calls are refused, or only a probe may pass).</summary>
    public bool IsOpen => Volatile.Read(ref _open);

    /// <summary>Asks to make a call; false while the circuit is open, with the time left until a probe may pass.</summary>
    public bool TryEnter(out CircuitPermit permit, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        permit = default;
        if (!Volatile.Read(ref _open))
        {
            return true;
        }

        lock (_lock)
        {
            if (!_open)
            {
                return true;
            }

            var remaining = timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), _openUntil);
            if (remaining > TimeSpan.Zero || _probeInFlight)
            {
                retryAfter = remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
                return false;
            }

            _probeInFlight = true;
            permit = new CircuitPermit(IsProbe: true);
            return true;
        }
    }

    /// <summary>The dependency answered.</summary>
    public void Succeeded(CircuitPermit permit)
    {
        if (!Volatile.Read(ref _open) && Volatile.Read(ref _consecutiveFailures) == 0)
        {
            return;
        }

        lock (_lock)
        {
            _consecutiveFailures = 0;
            _probeInFlight &= !permit.IsProbe;
            Volatile.Write(ref _open, false);
        }
    }

    /// <summary>The call passed its deadline or found the dependency unavailable.</summary>
    public void Failed(CircuitPermit permit)
    {
        lock (_lock)
        {
            if (permit.IsProbe)
            {
                _probeInFlight = false;
                Open();
            }
            else if (!_open && ++_consecutiveFailures >= failureThreshold)
            {
                Open();
            }
        }
    }

    /// <summary>The call ended without telling anything about the dependency (it was cancelled by its caller).</summary>
    public void Abandoned(CircuitPermit permit)
    {
        if (permit.IsProbe)
        {
            lock (_lock)
            {
                _probeInFlight = false;
            }
        }
    }

    private void Open()
    {
        _openUntil = timeProvider.GetTimestamp() + (long)(breakDuration.TotalSeconds * timeProvider.TimestampFrequency);
        Volatile.Write(ref _open, true);
    }
}

/// <summary>Permission for one call; a probe is the single call let through to test an open circuit.</summary>
public readonly record struct CircuitPermit(bool IsProbe);
