using System.Text.Json.Nodes;
using Ccd.Runtime.CaseTypes;
using Ccd.Runtime.Problems;
using Xunit;

namespace Ccd.Runtime.Tests.CaseTypes;

/// <summary>CCD's field types as .NET types in the runtime's case serializer, both ways, and what bad values from CCD answer.</summary>
public sealed class CaseJsonTests
{
    private const string Where = "case_details.case_data";

    public sealed class Fields
    {
        public bool? Urgent { get; set; }

        public MoneyGBP? Fee { get; set; }

        public DateOnly? DueOn { get; set; }

        public DateTime? FiledAt { get; set; }

        public DateTimeOffset? HeardAt { get; set; }

        public List<ListValue<Child>>? Children { get; set; }

        public List<ListValue<string>>? Tags { get; set; }
    }

    public sealed class Child
    {
        public string? Name { get; set; }

        public DateOnly? Born { get; set; }
    }

    [Fact]
    public void each_field_type_is_written_as_ccd_holds_it()
    {
        var json = CaseJson.Write(new Fields
        {
            Urgent = true,
            Fee = new MoneyGBP(12550),
            DueOn = new DateOnly(2026, 12, 2),
            FiledAt = new DateTime(2026, 12, 2, 10, 15, 30, DateTimeKind.Utc),
            HeardAt = new DateTimeOffset(2026, 12, 2, 11, 15, 30, 120, TimeSpan.FromHours(1)),
            Children = [new ListValue<Child>("c-1", new Child { Name = "Ann", Born = new DateOnly(2020, 1, 2) }), new ListValue<Child>(null, new Child { Name = "Bob" })],
            Tags = [new ListValue<string>("t-1", "urgent")],
        });

        Assert.Equal(
            """{"urgent":"Yes","fee":"12550","dueOn":"2026-12-02","filedAt":"2026-12-02T10:15:30.000","heardAt":"2026-12-02T10:15:30.120","children":[{"id":"c-1","value":{"name":"Ann","born":"2020-01-02"}},{"value":{"name":"Bob"}}],"tags":[{"id":"t-1","value":"urgent"}]}""",
            json.ToJsonString());
        Assert.Equal("""{"urgent":"No"}""", CaseJson.Write(new Fields { Urgent = false }).ToJsonString());
    }

    [Fact]
    public void each_field_type_is_read_from_what_ccd_sends()
    {
        var read = CaseJson.Read<Fields>(Parse("""
            {"urgent":"No","fee":"12550","dueOn":"2026-12-02","filedAt":"2026-12-02T10:15:30.000","heardAt":"2026-12-02T10:15",
             "children":[{"id":"c-1","value":{"name":"Ann","born":"2020-01-02"}},{"id":null,"value":{"name":"Bob"}}],"tags":[{"id":"t-1","value":"urgent"}]}
            """), Where);

        Assert.False(read.Urgent);
        Assert.Equal(new MoneyGBP(12550), read.Fee);
        Assert.Equal(125.50m, read.Fee!.Value.Pounds);
        Assert.Equal(new DateOnly(2026, 12, 2), read.DueOn);
        Assert.Equal(new DateTime(2026, 12, 2, 10, 15, 30, DateTimeKind.Utc), read.FiledAt);
        Assert.Equal(DateTimeKind.Utc, read.FiledAt!.Value.Kind);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 15, 0, TimeSpan.Zero), read.HeardAt);
        Assert.Equal(new ListValue<Child>("c-1", read.Children![0].Value), read.Children[0]);
        Assert.Equal(("Ann", new DateOnly(2020, 1, 2)), (read.Children[0].Value.Name, read.Children[0].Value.Born));
        Assert.Null(read.Children[1].Id);
        Assert.Equal(new ListValue<string>("t-1", "urgent"), Assert.Single(read.Tags!));
    }

    [Theory]
    [InlineData("""{"urgent":"yes"}""", true)]
    [InlineData("""{"urgent":"NO"}""", false)]
    public void yes_or_no_is_read_in_any_case_as_ccd_validates_it(string json, bool expected) =>
        Assert.Equal(expected, CaseJson.Read<Fields>(Parse(json), Where).Urgent);

    [Theory]
    [InlineData("2026-12-02T10:15:30Z", "2026-12-02T10:15:30.000")]
    [InlineData("2026-12-02T10:15:30.5", "2026-12-02T10:15:30.500")]
    [InlineData("2026-12-02T11:15:30.123+01:00", "2026-12-02T10:15:30.123")]
    [InlineData("2026-12-02T10:15", "2026-12-02T10:15:00.000")]
    public void a_date_time_is_read_with_or_without_seconds_fraction_and_offset_and_written_in_utc(string sent, string written)
    {
        var read = CaseJson.Read<Fields>(Parse($$"""{"filedAt":"{{sent}}","heardAt":"{{sent}}"}"""), Where);

        Assert.Equal(written, CaseJson.Write(read)["filedAt"]!.GetValue<string>());
        Assert.Equal(written, CaseJson.Write(read)["heardAt"]!.GetValue<string>());
    }

    [Fact]
    public void money_sent_as_a_number_is_read_and_written_back_as_ccd_s_string_of_pence()
    {
        var read = CaseJson.Read<Fields>(Parse("""{"fee":-250}"""), Where);

        Assert.Equal(new MoneyGBP(-250), read.Fee);
        Assert.Equal("-£2.50", read.Fee!.Value.ToString());
        Assert.Equal("""{"fee":"-250"}""", CaseJson.Write(read).ToJsonString());
        Assert.Equal(new MoneyGBP(12550), MoneyGBP.FromPounds(125.50m));
        Assert.Throws<ArgumentException>(() => MoneyGBP.FromPounds(0.005m));
    }

    [Theory]
    [InlineData("""{"urgent":"Maybe"}""", "case_details.case_data.urgent", "\"Maybe\" is not a YesOrNo value (\"Yes\" or \"No\").")]
    [InlineData("""{"urgent":true}""", "case_details.case_data.urgent", "true is not a YesOrNo value (\"Yes\" or \"No\").")]
    [InlineData("""{"fee":"12.50"}""", "case_details.case_data.fee", "\"12.50\" is not a MoneyGBP value (pence as a string of digits, such as \"12550\").")]
    [InlineData("""{"dueOn":"2026-13-01"}""", "case_details.case_data.dueOn", "\"2026-13-01\" is not a Date (yyyy-MM-dd).")]
    [InlineData("""{"dueOn":"02/12/2026"}""", "case_details.case_data.dueOn", "\"02/12/2026\" is not a Date (yyyy-MM-dd).")]
    [InlineData("""{"filedAt":"yesterday"}""", "case_details.case_data.filedAt", "\"yesterday\" is not a DateTime (yyyy-MM-ddTHH:mm:ss.fff).")]
    [InlineData("""{"heardAt":"2026-12-02"}""", "case_details.case_data.heardAt", "\"2026-12-02\" is not a DateTime (yyyy-MM-ddTHH:mm:ss.fff).")]
    [InlineData("""{"children":[{"id":null,"value":{"born":"soon"}}]}""", "case_details.case_data.children[0].value.born", "\"soon\" is not a Date (yyyy-MM-dd).")]
    public void a_value_that_does_not_fit_its_field_is_a_400_naming_the_field(string json, string field, string reason)
    {
        var problem = Assert.Throws<ProblemException>(() => CaseJson.Read<Fields>(Parse(json), Where));

        Assert.Equal(400, problem.Status);
        Assert.Equal(field, problem.Extensions["field"]);
        Assert.Equal($"{field}: {reason}", problem.Detail);
    }

    [Fact]
    public void a_field_of_the_wrong_json_kind_is_named_too()
    {
        var problem = Assert.Throws<ProblemException>(() => CaseJson.Read<Fields>(Parse("""{"children":{"id":"c-1"}}"""), Where));

        Assert.Equal(400, problem.Status);
        Assert.Equal("case_details.case_data.children", problem.Extensions["field"]);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
