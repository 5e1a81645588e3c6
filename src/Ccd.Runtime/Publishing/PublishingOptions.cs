namespace Ccd.Runtime.Publishing;

/// <summary>
/// Settings of the outbox publisher, bound from <c>Ccd:Publishing</c> (environment: <c>Ccd__Publishing__*</c>).
/// Publishing is off unless <see cref="Enabled"/> is true or a broker is named (<see cref="Address"/> or
/// <see cref="Namespace"/>); <c>Enabled=false</c> turns it off even when a broker is named.
/// </summary>
internal sealed class PublishingOptions
{
    public const string SectionName = "Ccd:Publishing";

    /// <summary>Explicit switch; null means "on when a broker is configured".</summary>
    public bool? Enabled { get; set; }

    /// <summary>A plain AMQP 1.0 URL with credentials, <c>amqp(s)://user:password@host:port</c> (local and test brokers).</summary>
    public string? Address { get; set; }

    /// <summary>The Azure Service Bus namespace host, e.g. <c>my-namespace.servicebus.windows.net</c> (TLS on 5671).</summary>
    public string? Namespace { get; set; }

    /// <summary>The shared access policy name (Service Bus SAS key name), sent as the SASL PLAIN user name.</summary>
    public string? SasKeyName { get; set; }

    /// <summary>The shared access key, sent as the SASL PLAIN password.</summary>
    public string? SasKey { get; set; }

    /// <summary>The topic or queue the events go to.</summary>
    public string Entity { get; set; } = "ccd-case-events";

    /// <summary>Most rows claimed (one per case) and sent per batch.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Pause between polls when the outbox is empty.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait for the broker to settle one batch (and for a connection to open).</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A message whose send fails this many times while the broker accepts others (released, or never settled) is
    /// parked, as is at once a message the broker rejects. Default 10.
    /// </summary>
    public int ParkAfterFailures { get; set; } = 10;

    /// <summary>Published rows are deleted this many days after they were published (CCD keeps them 7 days).</summary>
    public int RetentionDays { get; set; } = 7;

    /// <summary>How often the retention sweep runs.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the unsent count and lag gauges are refreshed from the table.</summary>
    public TimeSpan StatusRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsEnabled => Enabled ?? (!string.IsNullOrWhiteSpace(Address) || !string.IsNullOrWhiteSpace(Namespace));

    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);
}
