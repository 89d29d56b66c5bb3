// interpreter/check/tables.hpp — merged tables → TableData. Each key of a row still in force
// is compiled (each code of a range of codes a row of its own); every key and value, in every
// layer, is checked against the types the table's declaration gives it.
#pragma once

#include "interpreter/check/rules.hpp"

namespace cpl::check_detail {

class TableCompiler : public RuleCompiler {
public:
    using RuleCompiler::RuleCompiler;

protected:
    /// Compiles every table, in order, into p().tables, table_index_ and table_types_.
    void tables();
    void warn_rows_never_applying(const TableData& data,
                                  const std::vector<const MergedRow*>& written_by);

private:
    // The kind of key a table holds: codes and strings are one kind (a code equals the string
    // of its characters).
    enum class KeyKind { none, number, text, boolean };
    struct KeyTypes {
        KeyKind kind = KeyKind::none;
        std::string words;   // `codes`, `strings`, `numbers`, … for messages
        std::string example; // one key of that kind, as written
    };
    struct RowValue {
        const MergedRow* row;
        Value value;
        TypeP type;
        bool ok; // a constant with no error in it
    };

    KeyTypes declared_keys(const MergedTable& table);
    KeyKind key_kind(const ast::TableKey& key);
    void check_key(const MergedTable& table, const KeyTypes& keys, const ast::TableKey& key,
                   const std::string& layer);
    void key_warnings(const ast::TableKey& key);
    bool in_string_range(const TableData& data, const ast::TableKey& key, Span at);
    /// A row's value, computed when it is made of constants (the stand-in of an error when
    /// it cannot be).
    Typed row_value(const ast::Expr& written);
    TypeP declared_value(const MergedTable& table, const std::vector<RowValue>& values);
    void check_value(const MergedTable& table, const TypeP& want, const RowValue& row);
    void check_columns(const MergedTable& table, const RowValue& row);
};

} // namespace cpl::check_detail
