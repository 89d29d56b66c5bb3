// runtime/types.cpp — type constructors, compatibility and names.
#include "runtime/types.hpp"

namespace cpl {

namespace {
TypeP simple(TypeKind kind) {
    return std::make_shared<const Type>(Type{kind, nullptr, 0});
}

// True when `holds` is true of each pair of fields of two records of one shape.
bool each_field(const Type& a, const Type& b, bool (*holds)(const TypeP&, const TypeP&)) {
    if (a.fields.size() != b.fields.size()) return false;
    for (std::size_t i = 0; i < a.fields.size(); ++i)
        if (!holds(a.fields[i], b.fields[i])) return false;
    return true;
}
} // namespace

TypeP any_type() {
    static TypeP t = simple(TypeKind::Any);
    return t;
}
TypeP number_type() {
    static TypeP t = simple(TypeKind::Number);
    return t;
}
TypeP bool_type() {
    static TypeP t = simple(TypeKind::Bool);
    return t;
}
TypeP string_type() {
    static TypeP t = simple(TypeKind::String);
    return t;
}
TypeP code_type() {
    static TypeP t = simple(TypeKind::Code);
    return t;
}
TypeP empty_list_element() {
    static TypeP t = simple(TypeKind::Any);
    return t;
}
TypeP list_of(TypeP element) {
    return std::make_shared<const Type>(Type{TypeKind::List, std::move(element), 0});
}
TypeP record_of(std::uint32_t shape, std::vector<TypeP> fields) {
    return std::make_shared<const Type>(
        Type{TypeKind::Record, nullptr, shape, nullptr, std::move(fields)});
}
TypeP table_of(TypeP value, TypeP key) {
    return std::make_shared<const Type>(Type{TypeKind::Table, std::move(value), 0, std::move(key)});
}

bool fits(const TypeP& expected, const TypeP& actual) {
    if (!expected || !actual) return true;
    if (expected->kind == TypeKind::Any || actual->kind == TypeKind::Any) return true;
    auto textual = [](TypeKind k) { return k == TypeKind::String || k == TypeKind::Code; };
    if (textual(expected->kind) && textual(actual->kind)) return true;
    if (expected->kind != actual->kind) return false;
    switch (expected->kind) {
    case TypeKind::List:
    case TypeKind::Table:
        return fits(expected->element, actual->element);
    case TypeKind::Record:
        return expected->shape == actual->shape && each_field(*expected, *actual, fits);
    default:
        return true;
    }
}

TypeP unify(const TypeP& a, const TypeP& b) {
    if (!a || a == empty_list_element()) return b;
    if (!b || b == empty_list_element()) return a;
    if (a->kind == TypeKind::Any) return a;
    if (b->kind == TypeKind::Any) return b;
    if (a->kind == TypeKind::Code && b->kind == TypeKind::String) return b;
    if (a->kind == TypeKind::String && b->kind == TypeKind::Code) return a;
    if (a->kind != b->kind) return any_type();
    if (a->kind == TypeKind::List) return list_of(unify(a->element, b->element));
    if (a->kind == TypeKind::Record) {
        if (a->shape != b->shape || a->fields.size() != b->fields.size()) return any_type();
        std::vector<TypeP> fields;
        for (std::size_t i = 0; i < a->fields.size(); ++i)
            fields.push_back(unify(a->fields[i], b->fields[i]));
        return record_of(a->shape, std::move(fields));
    }
    return a;
}

bool comparable(const TypeP& a, const TypeP& b) {
    if (!a || !b || a->kind == TypeKind::Any || b->kind == TypeKind::Any) return true;
    auto textual = [](TypeKind k) { return k == TypeKind::String || k == TypeKind::Code; };
    if (textual(a->kind) && textual(b->kind)) return true;
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case TypeKind::List:
        return comparable(a->element, b->element);
    case TypeKind::Record:
        // Shapes are interned by their fields, so records of two shapes are never equal.
        return a->shape == b->shape && each_field(*a, *b, comparable);
    default:
        return true;
    }
}

std::string describe(const TypeP& type, const std::vector<Shape>& shapes) {
    if (!type) return "nothing";
    switch (type->kind) {
    case TypeKind::Any:
        return "any";
    case TypeKind::Number:
        return "number";
    case TypeKind::Bool:
        return "bool";
    case TypeKind::String:
        return "string";
    case TypeKind::Code:
        return "code";
    case TypeKind::List:
        return "[" + describe(type->element, shapes) + "]";
    case TypeKind::Table:
        return "table of " + describe(type->element, shapes);
    case TypeKind::Record: {
        const Shape& shape = shapes.at(type->shape);
        if (!shape.name.empty()) return shape.name;
        // A literal's record says its fields' types: two of the same names may differ there.
        std::string out = "{";
        for (std::size_t i = 0; i < shape.fields.size(); ++i) {
            out += (i ? ", " : "") + shape.fields[i];
            if (i < type->fields.size() && type->fields[i] &&
                type->fields[i]->kind != TypeKind::Any)
                out += ": " + describe(type->fields[i], shapes);
        }
        return out + "}";
    }
    }
    return "any";
}

TypeP type_of(const Value& v, const std::vector<std::vector<TypeP>>& shape_types) {
    switch (v.kind) {
    case Kind::Number:
        return number_type();
    case Kind::Bool:
        return bool_type();
    case Kind::String:
        return string_type();
    case Kind::Table:
        return table_of(any_type());
    case Kind::Record: {
        // The shape's type of each field where the value fits it (a code field stays a code),
        // else the value's own: a literal's shape is its first writer's, not this value's.
        const std::vector<TypeP>& declared = shape_types.at(v.size);
        std::vector<TypeP> fields;
        for (std::size_t i = 0; i < declared.size(); ++i) {
            TypeP own = type_of(v.items[i], shape_types);
            fields.push_back(fits(declared[i], own) ? declared[i] : own);
        }
        return record_of(v.size, std::move(fields));
    }
    case Kind::List: {
        TypeP element;
        for (const auto& item : v.list())
            element = unify(element, type_of(item, shape_types));
        return list_of(element ? element : empty_list_element());
    }
    }
    return any_type();
}

} // namespace cpl
