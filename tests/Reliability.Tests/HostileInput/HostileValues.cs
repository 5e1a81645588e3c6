namespace Reliability.Tests.HostileInput;

/// <summary>Text that is valid but hostile: injection attempts, control and bidirectional characters, emoji, long strings within the limits.</summary>
internal static class HostileValues
{
    public static IReadOnlyList<(string Label, string Text)> All { get; } =
    [
        ("sql_drop_table", "'; DROP TABLE ccd.case_data; --"),
        ("sql_or_true", "\" OR \"1\"=\"1"),
        ("sql_sleep", "1; SELECT pg_sleep(10); --"),
        ("sql_dollar_quote", "$$; DROP SCHEMA ccd CASCADE; $$"),
        ("sql_bobby_tables", "Robert'); DROP TABLE students;--"),
        ("sql_escape_string", "E'\\x00' || chr(39)"),
        ("sql_like_wildcards", "%_%\\%\\_"),
        ("sql_parameter_markers", "$1 :name @reference ?"),
        ("jsonpath_filter", "$[?(@.id > 0)]"),
        ("jsonpath_recursive", "$..*"),
        ("jsonpath_predicate", "@.a == \"x\" || true"),
        ("jsonb_operators", "data->>'x' #> '{a,b}' @> '{}'::jsonb"),
        ("mongo_operator", "{\"$gt\": \"\"}"),
        ("json_text", "{\"case_data\":{\"id\":1},\"revision\":2147483647}"),
        ("backslashes", "\\\\server\\share\\\"quoted\""),
        ("control_characters", "\u0001\u0002\u0003\u0007\b\t\n\u000B\f\r\u001B\u001F"),
        ("delete_and_c1", "\u007F\u0080\u0085\u009F"),
        ("rtl_override", "abc\u202Edcba\u202C"),
        ("rtl_marks", "\u200F\u200E\u061C\u2066\u2067\u2068\u2069"),
        ("hebrew_and_arabic", "שלום עולם مرحبا بالعالم"),
        ("emoji_zwj", "😀👩‍👩‍👧‍👦🏳️‍🌈🇬🇧"),
        ("supplementary_plane", "𝕏𝔸𐍈𠜎"),
        ("combining_marks", "e\u0301\u0301\u0301\u0301 Z\u0335\u0321\u0322"),
        ("byte_order_mark", "\uFEFFbom"),
        ("line_separators", "\u2028\u2029"),
        ("noncharacters", "\uFFFE\uFFFF\uFDD0"),
        ("html_script", "<script>alert(1)</script>&amp;"),
        ("format_string", "%s%n%x{0}{{1}}${env:PATH}"),
        ("literal_words", "null"),
        ("empty", ""),
        ("only_spaces", "   "),
        ("long_ascii_100k", new string('A', 100_000)),
        ("long_emoji_20k", string.Concat(Enumerable.Repeat("😀", 20_000))),
        ("long_mixed_50k", string.Concat(Enumerable.Repeat("a'\"\\\u202E😀\u0001", 7_000))),
    ];

    /// <summary>Up to <paramref name="max"/> characters (code points) of <paramref name="text"/>, for columns with a length limit.</summary>
    public static string Within(string text, int max)
    {
        var runes = text.EnumerateRunes().Take(max);
        return string.Concat(runes.Select(rune => rune.ToString()));
    }
}
