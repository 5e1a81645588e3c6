using Ccd.Runtime.Configuration;
using Ccd.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// The authentication settings of the <c>Ccd:Auth</c> section, read and validated in this one place. LOCAL and
/// TEST verify tokens with a shared HS256 signing key; DEV and PROD use the identity provider's OIDC metadata for
/// user tokens and the S2S provider's <c>/details</c> endpoint for service tokens.
/// </summary>
internal sealed class CcdAuthSettings
{
    public const string SectionName = "Ccd:Auth";
    public const string DefaultDevIssuer = "ccd-dev-tokens";
    public const string DefaultDevAudience = "ccd-runtime";

    /// <summary>The audience of LOCAL/TEST service tokens: distinct from the user audience, so that neither kind of
    /// token is accepted in place of the other.</summary>
    public const string DevServiceAudience = "ccd-s2s";

    private const int MinimumKeyLength = 32;

    public required AppEnvironment Environment { get; init; }

    public bool UsesSigningKey => AppEnvironmentSettings.IsDevelopmentLike(Environment);

    /// <summary>The HS256 key of LOCAL and TEST; null in DEV and PROD.</summary>
    public SymmetricSecurityKey? SigningKey { get; init; }

    /// <summary>The expected issuer: required in LOCAL/TEST (with a default), an override of the metadata's issuer in DEV/PROD.</summary>
    public string? Issuer { get; init; }

    /// <summary>The first accepted audience: what LOCAL/TEST tokens are issued for.</summary>
    public string Audience => Audiences[0];

    /// <summary>Every audience a user token may carry (<c>Ccd:Auth:Audience</c>: one value, a comma-separated list, or an array).</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    public string? Authority { get; init; }

    public string? MetadataAddress { get; init; }

    public bool RequireHttpsMetadata { get; init; } = true;

    public Uri? S2sUrl { get; init; }

    public Uri? UserInfoUrl { get; init; }

    public required IReadOnlySet<string> AllowedServices { get; init; }

    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan UserInfoCacheDuration { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan S2sCacheDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a verified user or (LOCAL/TEST) service token is answered without verifying it again; never past its expiry.</summary>
    public TimeSpan TokenCacheDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The shortest time between two fetches of the identity provider's keys forced by an unknown key id.</summary>
    public TimeSpan SigningKeyRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <exception cref="CcdStartupException">A setting is missing or invalid; the message names the key.</exception>
    public static CcdAuthSettings Read(IConfiguration configuration, AppEnvironment environment, string contentRoot)
    {
        var section = configuration.GetSection(SectionName);
        var developmentLike = AppEnvironmentSettings.IsDevelopmentLike(environment);
        var envName = environment.ToString().ToUpperInvariant();

        var audiences = List(section, "Audience");
        if (audiences.Length == 0 && !developmentLike)
        {
            throw new CcdStartupException($"{SectionName}:Audience is not set: APP_ENV={envName} needs the audience user tokens are issued for.");
        }

        var authority = Text(section, "Authority");
        var metadataAddress = Text(section, "MetadataAddress");
        var s2sUrl = Url(section, "S2sUrl");
        if (!developmentLike)
        {
            if (authority is null && metadataAddress is null)
            {
                throw new CcdStartupException($"{SectionName}:Authority (or {SectionName}:MetadataAddress) is not set: APP_ENV={envName} verifies user tokens against the identity provider's OIDC metadata.");
            }

            if (s2sUrl is null)
            {
                throw new CcdStartupException($"{SectionName}:S2sUrl is not set: APP_ENV={envName} verifies service tokens with the S2S provider's /details endpoint.");
            }
        }

        return new CcdAuthSettings
        {
            Environment = environment,
            SigningKey = developmentLike ? ReadSigningKey(section, environment, contentRoot) : null,
            Issuer = Text(section, "Issuer") ?? (developmentLike ? DefaultDevIssuer : null),
            Audiences = audiences.Length == 0 ? [DefaultDevAudience] : audiences,
            Authority = authority,
            MetadataAddress = metadataAddress,
            RequireHttpsMetadata = section.GetValue("RequireHttpsMetadata", true),
            S2sUrl = s2sUrl,
            UserInfoUrl = Url(section, "UserInfoUrl"),
            AllowedServices = ReadAllowedServices(section),
            ClockSkew = Seconds(section, "ClockSkewSeconds", 30, 0, 300),
            UserInfoCacheDuration = Seconds(section, "UserInfoCacheSeconds", 120, 0, 3600),
            S2sCacheDuration = Seconds(section, "S2sCacheSeconds", 60, 0, 3600),
            TokenCacheDuration = Seconds(section, "TokenCacheSeconds", 60, 0, 3600),
            SigningKeyRefreshInterval = Seconds(section, "SigningKeyRefreshSeconds", 30, 1, 3600),
        };
    }

    private static SymmetricSecurityKey ReadSigningKey(IConfigurationSection section, AppEnvironment environment, string contentRoot)
    {
        var configured = Text(section, "SigningKey");
        if (configured is null)
        {
            if (environment != AppEnvironment.Local)
            {
                throw new CcdStartupException($"{SectionName}:SigningKey is not set: APP_ENV=TEST verifies tokens with a configured HS256 key of at least {MinimumKeyLength} characters.");
            }

            configured = LocalSigningKeyFile.ReadOrCreate(contentRoot);
        }

        if (configured.Length < MinimumKeyLength)
        {
            throw new CcdStartupException($"{SectionName}:SigningKey is too short: HS256 needs at least {MinimumKeyLength} characters.");
        }

        return new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(configured)) { KeyId = "ccd-dev" };
    }

    private static HashSet<string> ReadAllowedServices(IConfigurationSection section)
    {
        var values = List(section, "AllowedServices");
        return values.Length == 0 ? new HashSet<string>(["ccd_data"], StringComparer.Ordinal) : new HashSet<string>(values, StringComparer.Ordinal);
    }

    // Accepts both an array (Key:0=...) and one comma-separated value (handy in an environment variable).
    private static string[] List(IConfigurationSection section, string key)
    {
        var list = section.GetSection(key);
        return list.Value is { } single
            ? single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : list.GetChildren().Select(child => child.Value?.Trim()).OfType<string>().Where(value => value.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    private static string? Text(IConfigurationSection section, string key)
    {
        var value = section[key];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static Uri? Url(IConfigurationSection section, string key)
    {
        var value = Text(section, key);
        if (value is null)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CcdStartupException($"{SectionName}:{key} is not an absolute http(s) URL.");
        }

        return uri;
    }

    private static TimeSpan Seconds(IConfigurationSection section, string key, int defaultValue, int min, int max)
    {
        var raw = Text(section, key);
        if (raw is null)
        {
            return TimeSpan.FromSeconds(defaultValue);
        }

        if (!int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds < min || seconds > max)
        {
            throw new CcdStartupException($"{SectionName}:{key} must be a whole number of seconds between {min} and {max}.");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
