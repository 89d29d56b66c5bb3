// stdlib/builtins.cpp — THE registry of built-in functions, one row each.
#include "builtins.hpp"

#include "runtime/shapes.hpp"

#include <algorithm>

namespace cpl {

namespace {

using K = TypeKind;

TypeP number_result(std::span<const TypeP>) {
    return number_type();
}
TypeP bool_result(std::span<const TypeP>) {
    return bool_type();
}
TypeP string_result(std::span<const TypeP>) {
    return string_type();
}
TypeP code_result(std::span<const TypeP>) {
    return code_type();
}
TypeP same_as_first(std::span<const TypeP> args) {
    return args.empty() ? any_type() : args[0];
}
TypeP element_of_first(std::span<const TypeP> args) {
    if (!args.empty() && args[0]->kind == K::List && args[0]->element) return args[0]->element;
    return any_type();
}
TypeP second_arg(std::span<const TypeP> args) {
    return args.size() > 1 ? args[1] : any_type();
}
TypeP keys_result(std::span<const TypeP> args) {
    if (!args.empty() && args[0]->kind == K::Table && args[0]->key) return list_of(args[0]->key);
    return list_of(any_type());
}
TypeP entries_result(std::span<const TypeP> args) {
    if (!args.empty() && args[0]->kind == K::Table)
        return list_of(record_of(shape_entry, {args[0]->key ? args[0]->key : any_type(),
                                               args[0]->element ? args[0]->element : any_type()}));
    return list_of(record_of(shape_entry, {any_type(), any_type()}));
}
TypeP table_values_result(std::span<const TypeP> args) {
    if (!args.empty() && args[0]->kind == K::Table && args[0]->element)
        return list_of(args[0]->element);
    return list_of(any_type());
}

} // namespace

const std::vector<Builtin>& builtins() {
    // clang-format off
    static const std::vector<Builtin> table = {
        {"count", "count(list or table) -> number", "Number of elements of a list, or rows of a table", {BuiltinParam::list_or_table()}, number_result, builtin_count},
        {"sum", "sum([number]) -> number", "Sum of the numbers (0 for [])", {{K::List, K::Number}}, number_result, builtin_sum},
        {"min", "min([number]) -> number", "Smallest number; an error on []", {{K::List, K::Number}}, element_of_first, builtin_min},
        {"max", "max([number]) -> number", "Largest number; an error on []", {{K::List, K::Number}}, element_of_first, builtin_max},
        {"distinct", "distinct(list) -> list", "The elements, each once, in first-seen order", {K::List}, same_as_first, builtin_distinct},
        {"intersects", "intersects(list, list or table) -> bool", "Some element of the list is an element of the second list, or a key of the table", {K::List, BuiltinParam::list_or_table()}, bool_result, builtin_intersects},
        {"flatten", "flatten([list]) -> list", "One list of all the elements of the inner lists, in order", {{K::List, K::List}}, element_of_first, builtin_flatten},
        {"any", "any([bool]) -> bool", "Some element is true", {{K::List, K::Bool}}, bool_result, builtin_any},
        {"all", "all([bool]) -> bool", "Every element is true (true for [])", {{K::List, K::Bool}}, bool_result, builtin_all},
        {"sort", "sort(list) -> list", "Ascending: numbers, then strings and codes", {K::List}, same_as_first, builtin_sort},
        {"keys", "keys(table) -> list", "The canonical key of every row, in file order", {K::Table}, keys_result, builtin_keys},
        {"row_key", "row_key(table, key) -> key", "The first key of the row the key names (a synonym's canonical name); the key itself when no row has it", {K::Table, K::Any}, second_arg, builtin_row_key},
        {"key_any_case", "key_any_case(table, string) -> string", "The table's key that is the string in another ASCII letter case (\"EDC\" for \"edc\"); the string itself when no key is", {K::Table, K::String}, second_arg, builtin_key_any_case},
        {"entries", "entries(table) -> [{key, value}]", "Every row as a record {key, value}", {K::Table}, entries_result, builtin_entries},
        {"prefix_rows", "prefix_rows(table, string) -> list", "Values of the rows whose string key is a prefix of the string (ICD-10 prefixes: key \"G56.0\" for \"G56.02\"), or whose range of strings holds it, in file order", {K::Table, K::String}, table_values_result, builtin_prefix_rows},
        {"units_of", "units_of([line], code) -> number", "Total units of a code in a list of claim lines", {BuiltinParam::lines(), K::Code}, number_result, builtin_units_of},
        {"starts_with", "starts_with(string, string) -> bool", "The first string begins with the second", {K::String, K::String}, bool_result, builtin_starts_with},
        {"lower", "lower(string) -> string", "ASCII lower case", {K::String}, string_result, builtin_lower},
        {"join", "join(list, string) -> string", "The elements as text, separated by the second argument", {K::List, K::String}, string_result, builtin_join},
        {"year", "year(date) -> number", "The year of a date YYYY-MM-DD", {K::String}, number_result, builtin_year},
        {"days_between", "days_between(date, date) -> number", "Days from the first date to the second (negative when the second is earlier)", {K::String, K::String}, number_result, builtin_days_between},
        {"add_days", "add_days(date, number) -> string", "The date that many days later (earlier when negative)", {K::String, K::Number}, string_result, builtin_add_days},
        {"add_years", "add_years(date, number) -> string", "The same day that many years later; 29 February becomes 28 February in other years", {K::String, K::Number}, string_result, builtin_add_years},
        {"code", "code(string) -> code", "A code from its characters (HCPCS codes such as \"G0255\")", {K::String}, code_result, builtin_code},
    };
    // clang-format on
    return table;
}

const Builtin* find_builtin(std::string_view name) {
    const auto& table = builtins();
    auto it =
        std::find_if(table.begin(), table.end(), [&](const Builtin& b) { return b.name == name; });
    return it == table.end() ? nullptr : &*it;
}

void builtin_error(const BuiltinContext& ctx, std::string message) {
    throw EvalError{"eval.builtin", ctx.span, std::move(message)};
}

} // namespace cpl
