using Ccd.Testing;
using Reliability.Tests.Support;
using Xunit;

namespace Reliability.Tests.HostileInput;

/// <summary>The invalid half of the hostile corpus: every request gets a 4xx problem body, never a 5xx, and the store is unchanged.</summary>
public sealed class InvalidInputTests(PostgresServer postgres, CorpusStore store) : IClassFixture<CorpusStore>
{
    public static TheoryData<string> Names { get; } = [.. InvalidCorpus.All.Keys];

    [Fact]
    public void the_invalid_half_of_the_corpus_has_at_least_150_cases() =>
        Assert.True(InvalidCorpus.All.Count >= 150, $"only {InvalidCorpus.All.Count} invalid cases");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task invalid_input_gets_a_4xx_problem_and_changes_nothing(string name)
    {
        await store.EnsureStartedAsync(postgres);
        var (request, expected) = InvalidCorpus.All[name];
        request = request with { Path = request.Path.Replace("{countersEventId}", Refs.Text(store.CountersEventId), StringComparison.Ordinal) };
        using var client = store.Service.CreateClient();
        var before = await StoreSnapshot.TakeAsync(store.Service.DataSource);

        var reply = await request.SendAsync(client, TestContext.Current.CancellationToken);

        Assert.True(reply.Code is >= 400 and < 500, $"{name}: {reply}");
        if (expected is not null)
        {
            Assert.True(expected == reply.Code, $"{name}: expected {expected}, got {reply}");
        }

        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.StartsWith("urn:ccd:problem:", reply.Json["type"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(reply.Json["traceId"]?.GetValue<string>()), $"{name}: no trace id in {reply}");
        var after = await StoreSnapshot.TakeAsync(store.Service.DataSource);
        Assert.True(before.Differences(after).Count == 0, $"{name} changed the store: {string.Join("; ", before.Differences(after))}");
    }
}
