using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;

namespace Ccd.Runtime.Authentication;

/// <summary>
/// Tokens that verified, remembered under a SHA-256 of the whole token (never the token itself) so that the same
/// token sent again, as CCD's data store does request after request, is not parsed and verified again. Only
/// successes are kept, each until the earlier of the token's own expiry and <c>Ccd:Auth:TokenCacheSeconds</c> after
/// it verified, on the service's clock; a token that failed is verified again every time. Entries live in the
/// bounded <see cref="AuthenticationCache"/>, so distinct tokens cannot grow memory without limit.
/// </summary>
internal sealed class VerifiedTokenCache(AuthenticationCache cache, CcdAuthSettings settings, TimeProvider time)
{
    /// <summary>The cache key of <paramref name="token"/> for a kind of token (a prefix such as <c>"ccd-user:"</c>).</summary>
    public static string KeyOf(string kind, ReadOnlySpan<char> token)
    {
        // Asked twice a request (user and service token): only the key itself is allocated.
        var length = Encoding.UTF8.GetByteCount(token);
        var rented = length > MaxStackBytes ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> utf8 = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
            Encoding.UTF8.GetBytes(token, utf8);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8, hash);
            Span<char> hex = stackalloc char[2 * SHA256.HashSizeInBytes];
            Convert.TryToHexString(hash, hex, out _);
            return string.Concat(kind.AsSpan(), hex);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private const int MaxStackBytes = 2048;

    /// <summary>What was remembered under <paramref name="key"/>, if it has not expired.</summary>
    public bool TryGet<T>(string key, [MaybeNullWhen(false)] out T value)
    {
        if (settings.TokenCacheDuration > TimeSpan.Zero
            && cache.Entries.TryGetValue(key, out Entry<T>? known) && known is not null && time.GetUtcNow() < known.ExpiresAt)
        {
            value = known.Value;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Remembers what a token that just verified stands for, until the earlier of its expiry and the cache time.</summary>
    public void Remember<T>(string key, T value, DateTime tokenExpiresUtc)
    {
        if (settings.TokenCacheDuration <= TimeSpan.Zero)
        {
            return;
        }

        var now = time.GetUtcNow();
        var tokenExpires = new DateTimeOffset(DateTime.SpecifyKind(tokenExpiresUtc, DateTimeKind.Utc));
        var expires = tokenExpires < now + settings.TokenCacheDuration ? tokenExpires : now + settings.TokenCacheDuration;
        if (expires <= now)
        {
            return;
        }

        // The expiry is checked against the injected clock; the entry's own (on the cache's clock) bounds memory, and
        // the time left is measured on the injected one so both agree in production.
        cache.Entries.Set(key, new Entry<T>(value, expires), new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = expires - now, Size = 1 });
    }

    private sealed record Entry<T>(T Value, DateTimeOffset ExpiresAt);
}
