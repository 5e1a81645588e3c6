using Microsoft.Extensions.Caching.Memory;

namespace Ccd.Runtime.Authentication;

/// <summary>The cache of S2S answers and userinfo names: its own bounded instance, so a flood of distinct tokens
/// cannot grow memory without limit nor evict other features' entries.</summary>
internal sealed class AuthenticationCache : IDisposable
{
    public MemoryCache Entries { get; } = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public void Dispose() => Entries.Dispose();
}
