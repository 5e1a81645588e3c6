using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Ccd.Bench.Limit;

/// <summary>
/// <c>GET /api/cases?court=&amp;status=&amp;pageSize=&amp;page=</c>: the adoption service's three statements in one round trip
/// (src/Adoption.Service/Api/Cases/ListCases.cs: the court exists, the page, the capped count), with its visibility
/// predicate (Access/CaseAccessSql.cs) bound as for a caseworker of the listed court, which the benchmark's caller is.
/// </summary>
internal static class ListEndpoint
{
    private const string Filter = """
        (c.deleted_at IS NULL AND (
            @caller_admin
            OR ((@caller_caseworker OR @caller_judge) AND c.court_code = ANY (@caller_courts))
            OR EXISTS (SELECT 1 FROM adoption.case_assignments va
                       WHERE va.case_id = c.id AND va.user_id = @caller_id AND va.revoked_at IS NULL AND va.role = ANY (@caller_roles))))
          AND (@court::varchar IS NULL OR c.court_code = @court)
          AND (@status::varchar IS NULL OR c.status = @status)
        """;

    private const string CourtExistsSql = "SELECT @court::varchar IS NULL OR EXISTS (SELECT 1 FROM adoption.courts WHERE code = @court)";

    private const string PageSql = $"""
        SELECT c.id, c.case_number, c.ccd_reference, c.court_code, c.status, c.applicant_name, c.applicant_email,
               c.applicant_phone, c.child_name, c.child_date_of_birth, c.version, c.created_at, c.created_by, c.updated_at, c.updated_by, c.hearing_date
        FROM adoption.cases c
        WHERE {Filter}
        ORDER BY c.created_at DESC, c.id DESC
        LIMIT @limit OFFSET @offset
        """;

    private const int CountLimit = 10_000;

    private static readonly string[] CallerRoles = ["caseworker"];

    private const string CountSql = $"SELECT count(*) FROM (SELECT 1 FROM adoption.cases c WHERE {Filter} LIMIT 10001) AS visible";

    public static async Task HandleAsync(HttpContext context, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var court = query["court"].ToString();
        var status = query["status"].ToString();
        var pageSize = int.Parse(query["pageSize"].ToString());
        var page = int.Parse(query["page"].ToString());
        await using var batch = dataSource.CreateBatch();
        foreach (var sql in new[] { CourtExistsSql, PageSql, CountSql })
        {
            var command = new NpgsqlBatchCommand(sql);
            var p = command.Parameters;
            p.AddWithValue("caller_id", NpgsqlDbType.Varchar, "bench-caseworker");
            p.AddWithValue("caller_admin", false);
            p.AddWithValue("caller_caseworker", true);
            p.AddWithValue("caller_judge", false);
            p.AddWithValue("caller_courts", NpgsqlDbType.Array | NpgsqlDbType.Varchar, new[] { court });
            p.AddWithValue("caller_roles", NpgsqlDbType.Array | NpgsqlDbType.Varchar, CallerRoles);
            p.AddWithValue("court", NpgsqlDbType.Varchar, court);
            p.AddWithValue("status", NpgsqlDbType.Varchar, status);
            p.AddWithValue("limit", pageSize);
            p.AddWithValue("offset", (long)(page - 1) * pageSize);
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (!reader.GetBoolean(0))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        await reader.NextResultAsync(cancellationToken);
        await using var json = CcdJson.Answer(context, StatusCodes.Status200OK);
        json.WriteStartObject();
        json.WriteStartArray("items");
        while (await reader.ReadAsync(cancellationToken))
        {
            WriteCase(json, reader);
        }

        json.WriteEndArray();
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var counted = reader.GetInt64(0);
        json.WriteNumber("page", page);
        json.WriteNumber("pageSize", pageSize);
        json.WriteNumber("total", Math.Min(counted, CountLimit));
        json.WriteBoolean("totalIsExact", counted <= CountLimit);
        json.WriteEndObject();
    }

    // The members of the service's CaseResponse, in its order; dates as System.Text.Json writes them.
    private static void WriteCase(Utf8JsonWriter json, NpgsqlDataReader row)
    {
        json.WriteStartObject();
        json.WriteString("id", row.GetGuid(0));
        json.WriteString("caseNumber", row.GetString(1));
        json.WriteString("ccdReference", row.GetInt64(2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("courtCode", row.GetString(3));
        json.WriteString("status", row.GetString(4));
        json.WriteString("applicantName", row.GetString(5));
        CcdJson.WriteText(json, "applicantEmail", row, 6);
        CcdJson.WriteText(json, "applicantPhone", row, 7);
        json.WriteString("childName", row.GetString(8));
        WriteDate(json, "childDateOfBirth", row, 9);
        WriteDate(json, "hearingDate", row, 15);
        json.WriteNumber("version", row.GetInt32(10));
        json.WriteString("createdAt", DateTime.SpecifyKind(row.GetDateTime(11), DateTimeKind.Utc));
        json.WriteString("createdBy", row.GetString(12));
        json.WriteString("updatedAt", DateTime.SpecifyKind(row.GetDateTime(13), DateTimeKind.Utc));
        json.WriteString("updatedBy", row.GetString(14));
        json.WriteEndObject();
    }

    private static void WriteDate(Utf8JsonWriter json, string name, NpgsqlDataReader row, int column)
    {
        if (row.IsDBNull(column))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, row.GetFieldValue<DateOnly>(column).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
