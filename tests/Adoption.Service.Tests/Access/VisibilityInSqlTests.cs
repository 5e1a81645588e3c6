using System.Net.Http.Json;
using System.Text.Json;
using Adoption.Service.Access;
using Adoption.Service.Api.Cases;
using Adoption.Service.CaseWrites;
using Adoption.Service.Tests.Support;
using Ccd.Runtime.Authentication;
using Ccd.Testing;
using Npgsql;
using Xunit;

namespace Adoption.Service.Tests.Access;

/// <summary>
/// Acceptance 5, second part: over 10,000 cases the list statement itself returns only visible rows, and the
/// count only counts them. The rows PostgreSQL hands back to the exact SQL the endpoint runs are compared with
/// the visible set, and EXPLAIN ANALYZE shows how many rows left the scan, so no filtering can hide in C#.
/// </summary>
public sealed class VisibilityInSqlTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // 10,000 cases spread over the four courts (2,500 each); sw-1 is assigned to every 271st case, and had one
    // more assignment that was revoked.
    private const string ArrangeSql = """
        INSERT INTO adoption.cases (id, case_number, court_code, case_year, case_sequence, ccd_reference, status,
            applicant_name, child_name, version, created_at, created_by, updated_at, updated_by)
        SELECT gen_random_uuid(), court || '/2026/' || lpad(seq::text, 5, '0'), court, 2026, seq, 1000000000000000 + i, 'APPLICATION',
               'applicant ' || i, 'child ' || i, 1, ts, 'seed', ts, 'seed'
        FROM (SELECT i, (ARRAY['BFC','MFC','LFC','CFC'])[1 + i % 4] AS court, 1 + i / 4 AS seq,
                     timestamp '2026-01-01' + i * interval '1 minute' AS ts
              FROM generate_series(0, 9999) AS i) s;
        INSERT INTO adoption.case_assignments (id, case_id, user_id, role, assigned_at, assigned_by)
        SELECT gen_random_uuid(), id, 'sw-1', 'social-worker', created_at, 'seed'
        FROM (SELECT id, created_at, row_number() OVER (ORDER BY created_at) AS n FROM adoption.cases) c WHERE n % 271 = 0;
        INSERT INTO adoption.case_assignments (id, case_id, user_id, role, assigned_at, assigned_by, revoked_at, revoked_by)
        SELECT gen_random_uuid(), id, 'sw-1', 'social-worker', created_at, 'seed', created_at, 'seed'
        FROM adoption.cases WHERE ccd_reference = 1000000000000001;
        ANALYZE adoption.cases;
        ANALYZE adoption.case_assignments;
        """;

    [Fact]
    public async Task the_list_statement_returns_and_counts_only_the_visible_cases_of_10000()
    {
        await using var app = await AdoptionApp.StartAsync(postgres);
        await using (var arrange = app.Database.CreateCommand(ArrangeSql))
        {
            await arrange.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(10_000, await app.CountAsync("SELECT count(*) FROM adoption.cases"));
        var socialWorker = Caller.From(new CcdUser("sw-1", "", "", ["social-worker"], []));
        var caseworker = Caller.From(new CcdUser("cw-1", "", "", ["caseworker"], ["BFC"]));
        var assigned = await IdsAsync(app, "SELECT case_id FROM adoption.case_assignments WHERE user_id = 'sw-1' AND revoked_at IS NULL");
        Assert.Equal(36, assigned.Count);

        // The social worker: the statement returns exactly its 36 active assignments, out of 10,000 rows.
        var swQuery = new CaseListQuery(null, null, 1, 100);
        var swRows = await RunPageAsync(app, socialWorker, swQuery);
        Assert.Equal(assigned.Order(), swRows.Order());
        Assert.Equal(36, await RunCountAsync(app, socialWorker, swQuery));
        Assert.Equal(36, await RowsLeavingTheScanAsync(app, socialWorker, swQuery));

        // The caseworker of BFC: a page of 50 of its 2,500, and a total of 2,500.
        var cwQuery = new CaseListQuery("BFC", AdoptionState.APPLICATION, 1, 50);
        var cwRows = await RunPageAsync(app, caseworker, cwQuery);
        Assert.Equal(50, cwRows.Count);
        Assert.Equal(2_500, await RunCountAsync(app, caseworker, cwQuery));
        var bfc = await IdsAsync(app, "SELECT id FROM adoption.cases WHERE court_code = 'BFC'");
        Assert.All(cwRows, id => Assert.Contains(id, bfc));

        // The endpoint shows the same: what the statements returned, and their total.
        var swList = await app.Client("sw-1", ["social-worker"]).GetFromJsonAsync<JsonElement>("/api/cases?pageSize=100", Ct);
        Assert.Equal(36, swList.GetProperty("total").GetInt64());
        Assert.Equal(assigned.Order(), swList.GetProperty("items").EnumerateArray().Select(c => Guid.Parse(c.Id())).Order());
        var cwList = await app.Client("cw-1", ["caseworker"], "BFC").GetFromJsonAsync<JsonElement>("/api/cases?court=BFC&status=APPLICATION&pageSize=50", Ct);
        Assert.Equal(2_500, cwList.GetProperty("total").GetInt64());
        Assert.True(cwList.GetProperty("totalIsExact").GetBoolean());
        Assert.Equal(cwRows, cwList.GetProperty("items").EnumerateArray().Select(c => Guid.Parse(c.Id())));

        // The count stops at ListCases.CountLimit (10,000): exact at the limit, flagged inexact beyond it.
        var admin = app.Admin();
        var atLimit = await admin.GetFromJsonAsync<JsonElement>("/api/cases?pageSize=1", Ct);
        Assert.Equal(ListCases.CountLimit, atLimit.GetProperty("total").GetInt64());
        Assert.True(atLimit.GetProperty("totalIsExact").GetBoolean());
        await using (var oneMore = app.Database.CreateCommand("""
            INSERT INTO adoption.cases (id, case_number, court_code, case_year, case_sequence, ccd_reference, status,
                applicant_name, child_name, version, created_at, created_by, updated_at, updated_by)
            VALUES (gen_random_uuid(), 'BFC/2027/00001', 'BFC', 2027, 1, 1000000000099999, 'APPLICATION', 'a', 'c', 1,
                    timestamp '2027-01-01', 'seed', timestamp '2027-01-01', 'seed')
            """))
        {
            await oneMore.ExecuteNonQueryAsync(Ct);
        }

        var beyond = await admin.GetFromJsonAsync<JsonElement>("/api/cases?pageSize=1", Ct);
        Assert.Equal(ListCases.CountLimit, beyond.GetProperty("total").GetInt64());
        Assert.False(beyond.GetProperty("totalIsExact").GetBoolean());
    }

    private static async Task<List<Guid>> RunPageAsync(AdoptionApp app, Caller caller, CaseListQuery query)
    {
        await using var command = app.Database.CreateCommand(ListCases.PageSql);
        ListCases.AddParameters(command.Parameters, caller, query);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(Ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private static async Task<long> RunCountAsync(AdoptionApp app, Caller caller, CaseListQuery query)
    {
        await using var command = app.Database.CreateCommand(ListCases.CountSql);
        ListCases.AddParameters(command.Parameters, caller, query);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    /// <summary>The rows the count's input produced, from EXPLAIN ANALYZE: what PostgreSQL let through its filters.</summary>
    private static async Task<long> RowsLeavingTheScanAsync(AdoptionApp app, Caller caller, CaseListQuery query)
    {
        await using var command = app.Database.CreateCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + ListCases.CountSql);
        ListCases.AddParameters(command.Parameters, caller, query);
        var plan = JsonDocument.Parse((string)(await command.ExecuteScalarAsync(Ct))!).RootElement[0].GetProperty("Plan");
        var aggregate = plan;
        Assert.Equal("Aggregate", aggregate.GetProperty("Node Type").GetString());
        var input = aggregate.GetProperty("Plans")[0];
        return (long)(input.GetProperty("Actual Rows").GetDouble() * input.GetProperty("Actual Loops").GetDouble());
    }

    private static async Task<List<Guid>> IdsAsync(AdoptionApp app, string sql)
    {
        await using var command = app.Database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(Ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
