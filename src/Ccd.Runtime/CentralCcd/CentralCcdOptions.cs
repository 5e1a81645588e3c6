using Ccd.Runtime.Configuration;

namespace Ccd.Runtime.CentralCcd;

/// <summary>
/// How the service calls central CCD back (<c>Ccd:CentralCcd</c>): its data store, the identity provider (IdAM)
/// for the system user's token, and the S2S provider for the service's token. Off while <see cref="DataStoreUrl"/>
/// is unset; once it is set every other required key must be too.
/// </summary>
internal sealed class CentralCcdOptions
{
    public const string SectionName = "Ccd:CentralCcd";

    /// <summary>CCD data store base address, e.g. <c>http://ccd-data-store-api-aat.service.core-compute-aat.internal</c>.</summary>
    public string? DataStoreUrl { get; set; }

    /// <summary>IdAM API base address (<c>/o/token</c>, <c>/o/userinfo</c>).</summary>
    public string? IdamUrl { get; set; }

    /// <summary>The OAuth client of the service at IdAM.</summary>
    public string? IdamClientId { get; set; }

    /// <summary>The OAuth client's secret.</summary>
    public string? IdamClientSecret { get; set; }

    /// <summary>The OAuth client's registered redirect URI (IdAM's password grant requires it).</summary>
    public string? IdamRedirectUri { get; set; }

    /// <summary>Scopes asked for. Default <c>openid profile roles</c>.</summary>
    public string IdamScope { get; set; } = "openid profile roles";

    /// <summary>The system user CCD runs the service's events as.</summary>
    public string? SystemUserName { get; set; }

    /// <summary>The system user's password.</summary>
    public string? SystemUserPassword { get; set; }

    /// <summary>S2S provider base address (<c>/lease</c>).</summary>
    public string? S2sUrl { get; set; }

    /// <summary>The service's S2S microservice name, which CCD's data store must allow.</summary>
    public string? S2sMicroservice { get; set; }

    /// <summary>The service's base32 one-time-password secret at the S2S provider.</summary>
    public string? S2sSecret { get; set; }

    /// <summary>Seconds one call may take, its retries included. Default 30.</summary>
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Retries of a call after a connection failure, a timeout, 408, 429 or 5xx. Default 2.</summary>
    public int Retries { get; set; } = 2;

    public bool Enabled => !string.IsNullOrWhiteSpace(DataStoreUrl);

    /// <summary>The section's rule, checked at start: once <see cref="DataStoreUrl"/> is set, the client must be able to run.</summary>
    public static void Check(CentralCcdOptions options, OptionsRules rules)
    {
        if (options.Enabled)
        {
            var problem = options.Problem();
            rules.Require(problem is null, $"{problem}.");
        }
    }

    /// <summary>The full key of the first setting that is missing or invalid and why, or null when the client can run.</summary>
    public string? Problem()
    {
        if (!Enabled)
        {
            return $"{SectionName}:{nameof(DataStoreUrl)} is not set (the CCD client is off)";
        }

        foreach (var (name, value) in new[]
                 {
                     (nameof(DataStoreUrl), DataStoreUrl), (nameof(IdamUrl), IdamUrl), (nameof(S2sUrl), S2sUrl), (nameof(IdamRedirectUri), IdamRedirectUri),
                 })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return $"{SectionName}:{name} is not set";
            }

            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                return $"{SectionName}:{name} is not an absolute http(s) address";
            }
        }

        foreach (var (name, value) in new[]
                 {
                     (nameof(IdamClientId), IdamClientId), (nameof(IdamClientSecret), IdamClientSecret), (nameof(SystemUserName), SystemUserName),
                     (nameof(SystemUserPassword), SystemUserPassword), (nameof(S2sMicroservice), S2sMicroservice), (nameof(S2sSecret), S2sSecret),
                 })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return $"{SectionName}:{name} is not set";
            }
        }

        if (!OneTimePassword.IsBase32(S2sSecret!))
        {
            return $"{SectionName}:{nameof(S2sSecret)} is not a base32 secret";
        }

        if (RequestTimeoutSeconds is < 1 or > 600)
        {
            return $"{SectionName}:{nameof(RequestTimeoutSeconds)} must be between 1 and 600";
        }

        return Retries is < 0 or > 10 ? $"{SectionName}:{nameof(Retries)} must be between 0 and 10" : null;
    }
}
