using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;

namespace Ccd.Runtime.SearchIndexing;

/// <summary>Settings of the search indexer, bound from <c>Ccd:Elasticsearch</c>. Indexing is off when <see cref="Url"/> is not set.</summary>
internal sealed class SearchIndexingOptions
{
    public const string SectionName = "Ccd:Elasticsearch";

    /// <summary>Base address of the Elasticsearch cluster, e.g. <c>https://es.internal:9200</c>. Unset: indexing off (changes stay queued).</summary>
    public string? Url { get; set; }

    /// <summary>Basic authentication user; used with <see cref="Password"/>.</summary>
    public string? Username { get; set; }

    /// <summary>Basic authentication password.</summary>
    public string? Password { get; set; }

    /// <summary>An Elasticsearch API key (the base64 "id:key" form), sent as <c>Authorization: ApiKey ...</c>. Takes precedence over basic authentication.</summary>
    public string? ApiKey { get; set; }

    /// <summary>A PEM file of the certificate authority that signed the cluster's certificate, when it is not in the machine's trust store.</summary>
    public string? CertificateAuthorityPath { get; set; }

    /// <summary>Queued cases claimed and sent in one <c>_bulk</c> request. Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Batches one process works on at the same time (each claims its own rows). Default 2.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>Seconds a claim is held; a crashed indexer's rows are taken by another after this. Default 60.</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Seconds between fallback polls when no notification arrives. Default 10.</summary>
    public int PollSeconds { get; set; } = 10;

    /// <summary>First back-off after a transient failure of a case, in milliseconds; doubles per failure. Default 1000.</summary>
    public int BackoffBaseMilliseconds { get; set; } = 1000;

    /// <summary>Longest back-off between attempts of one case, in seconds. Default 300.</summary>
    public int BackoffMaxSeconds { get; set; } = 300;

    /// <summary>Seconds one <c>_bulk</c> call may take, its transport retries included (each attempt gets an equal share); then the batch is backed off. Default 30.</summary>
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Immediate transport retries of one <c>_bulk</c> request (connection failures, 429, 5xx) before the pass fails (a loop fault). Default 2.</summary>
    public int TransportRetries { get; set; } = 2;

    /// <summary>Readiness reports Degraded when the oldest queued change is older than this many seconds. Default 300.</summary>
    public int DegradedAfterSeconds { get; set; } = 300;

    /// <summary>Seconds between samples of queue depth and oldest age for the metrics. Default 15.</summary>
    public int QueueSampleSeconds { get; set; } = 15;

    /// <summary>How far in the future <c>reindex</c> puts its work, so live changes are indexed first. Default 21600 (6 hours).</summary>
    public int ReindexDelaySeconds { get; set; } = 21600;

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary>The section's rules, checked at start; each failure names its key.</summary>
    public static void Check(SearchIndexingOptions options, OptionsRules rules)
    {
        options.Check(rules);
    }

    private void Check(OptionsRules rules)
    {
        rules.Require(
            !Enabled || (Uri.TryCreate(Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"),
            $"{SectionName}:Url is '{Telemetry.LogRedaction.Url(Url)}', which is not an absolute http(s) URL.");
        rules.Require(Username is null || Password is not null, $"{SectionName}:Username is set without {SectionName}:Password.");
        rules.Require(
            CertificateAuthorityPath is null || File.Exists(CertificateAuthorityPath),
            $"{SectionName}:CertificateAuthorityPath names '{CertificateAuthorityPath}', which does not exist.");

        rules.InRange(BatchSize, 1, 10_000, $"{SectionName}:{nameof(BatchSize)}");
        rules.InRange(Concurrency, 1, 64, $"{SectionName}:{nameof(Concurrency)}");
        rules.InRange(LeaseSeconds, 1, 3600, $"{SectionName}:{nameof(LeaseSeconds)}");
        rules.InRange(PollSeconds, 1, 86_400, $"{SectionName}:{nameof(PollSeconds)}");
        rules.InRange(BackoffBaseMilliseconds, 1, 3_600_000, $"{SectionName}:{nameof(BackoffBaseMilliseconds)}");
        rules.InRange(BackoffMaxSeconds, 1, 86_400, $"{SectionName}:{nameof(BackoffMaxSeconds)}");
        rules.InRange(RequestTimeoutSeconds, 1, 3600, $"{SectionName}:{nameof(RequestTimeoutSeconds)}");
        rules.InRange(TransportRetries, 0, 10, $"{SectionName}:{nameof(TransportRetries)}");
        rules.InRange(DegradedAfterSeconds, 1, 604_800, $"{SectionName}:{nameof(DegradedAfterSeconds)}");
        rules.InRange(QueueSampleSeconds, 1, 3600, $"{SectionName}:{nameof(QueueSampleSeconds)}");
        rules.InRange(ReindexDelaySeconds, 0, 604_800, $"{SectionName}:{nameof(ReindexDelaySeconds)}");
        // A request outliving its lease could complete work another indexer has already taken.
        rules.Require(
            RequestTimeoutSeconds < LeaseSeconds,
            $"{SectionName}:RequestTimeoutSeconds ({RequestTimeoutSeconds}) must be below {SectionName}:LeaseSeconds ({LeaseSeconds}).");
    }
}
