using System.Net;
using System.Net.Http.Json;
using Adoption.Service.Tests.Support;
using Ccd.Testing;
using Xunit;

namespace Adoption.Service.Tests.CaseNumbers;

/// <summary>Acceptance 2: case numbers per court and year are contiguous from 00001, without gaps or duplicates.</summary>
public sealed class CaseNumberAllocationTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Fails the case insert, which runs after the number was taken, for applicants named "rollback ...".
    private const string ForceRollbackSql = """
        CREATE FUNCTION public.fail_marked_creates() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.applicant_name LIKE 'rollback%' THEN
                RAISE EXCEPTION 'forced rollback after taking %', NEW.case_number;
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER fail_marked_creates BEFORE INSERT ON adoption.cases FOR EACH ROW EXECUTE FUNCTION public.fail_marked_creates();
        """;

    [Fact]
    public async Task concurrent_creates_with_rollbacks_across_a_year_boundary_leave_contiguous_numbers()
    {
        // Creates of one court queue on its sequence row while holding a connection, a hundred deep here: give the
        // pool and the statements time, and a write budget (kept on the service's clock) longer than the clock's jump into the new year, so every request ends as a commit or a forced rollback, not as a 503.
        await using var app = await AdoptionApp.StartAsync(postgres, now: new DateTimeOffset(2026, 12, 31, 23, 59, 0, TimeSpan.Zero),
            configuration: new Dictionary<string, string?> { ["Ccd:Database:MaxPoolSize"] = "100", ["Ccd:Database:ConnectTimeoutSeconds"] = "60", ["Ccd:Database:CommandTimeoutSeconds"] = "60", ["Ccd:Submission:TimeoutSeconds"] = "600" });
        await using (var trigger = app.Database.CreateCommand(ForceRollbackSql))
        {
            await trigger.ExecuteNonQueryAsync(Ct);
        }

        var courts = new[] { "BFC", "MFC", "LFC" };
        var client = app.Admin();
        Task<HttpResponseMessage> Create(int i) => client.PostAsJsonAsync("/api/cases", new
        {
            courtCode = courts[i % 3],
            applicantName = i % 7 == 3 ? $"rollback {i}" : $"applicant {i}",
            childName = $"child {i}",
        }, Ct);

        var firstWave = Enumerable.Range(0, 150).Select(Create).ToList();
        // Move into the new year while part of the first wave is still in flight.
        await Task.WhenAll(firstWave.Take(40));
        app.Time.SetUtcNow(new DateTimeOffset(2027, 1, 1, 0, 0, 1, TimeSpan.Zero));
        var secondWave = Enumerable.Range(150, 150).Select(Create).ToList();
        var responses = await Task.WhenAll(firstWave.Concat(secondWave));

        var failed = responses.Count(r => r.StatusCode == HttpStatusCode.InternalServerError);
        var created = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.True(300 == failed + created, string.Join(", ", responses.Select(r => (int)r.StatusCode).Distinct()));
        Assert.Equal(Enumerable.Range(0, 300).Count(i => i % 7 == 3), failed);

        var numbers = new List<(string Court, int Year, int Sequence, string CaseNumber, int CreatedYear)>();
        await using (var read = app.Database.CreateCommand(
            "SELECT court_code, case_year, case_sequence, case_number, extract(year FROM created_at)::int FROM adoption.cases"))
        await using (var reader = await read.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                numbers.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt32(4)));
            }
        }

        Assert.Equal(created, numbers.Count);
        Assert.Equal(numbers.Count, numbers.Select(n => n.CaseNumber).Distinct().Count());
        Assert.All(numbers, n => Assert.Equal(n.Year, n.CreatedYear));
        Assert.Contains(numbers, n => n.Year == 2026);
        Assert.Contains(numbers, n => n.Year == 2027);
        foreach (var group in numbers.GroupBy(n => (n.Court, n.Year)))
        {
            var sequences = group.Select(n => n.Sequence).Order().ToArray();
            Assert.Equal(Enumerable.Range(1, sequences.Length), sequences);
            Assert.All(group, n => Assert.Equal($"{n.Court}/{n.Year}/{n.Sequence:D5}", n.CaseNumber));
        }

        // The sequences record exactly the committed numbers: the rolled-back ones were given back.
        Assert.Equal(created, await app.CountAsync("SELECT sum(last_number) FROM adoption.court_sequences"));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
