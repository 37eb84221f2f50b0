//! The custom scalars of the schema: `Decimal` (an exact amount written as a string, never a
//! float), `Date` and `DateTime` (ISO 8601 text, checked with the core model's parsers).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use payglot_core_model::{Decimal, money};

/// An exact decimal amount. GraphQL's `Float` is a double and cannot hold money, so amounts
/// travel as strings (`"10.50"`), with their scale kept. A number literal or a JSON number is
/// refused: it has been through somebody's float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Amount(#[serde(with = "payglot_core_model::money::decimal_string")] pub Decimal);

/// An exact decimal written as a string such as `"10.50"`: at most 18 digits, 5 after the point.
/// Numbers are refused: an amount given as a number has been through a float.
#[Scalar(name = "Decimal")]
impl ScalarType for Amount {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => money::parse_decimal(&text).map(Amount).map_err(InputValueError::custom),
            Value::Number(_) => {
                Err(InputValueError::custom("amount must be a decimal string such as \"10.50\", not a number"))
            }
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(_))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Date(pub chrono::NaiveDate);

/// A calendar date written `YYYY-MM-DD` (ISO 8601).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => {
                payglot_core_model::datetime::parse_date(&text).map(Date).map_err(InputValueError::custom)
            }
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(_))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A date-time with the offset and fraction digits it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct DateTime(pub payglot_core_model::DateTime);

/// A date-time written as ISO 8601 `YYYY-MM-DDThh:mm:ss[.f][Z|±hh:mm]`; the offset and the
/// number of fraction digits are kept as written.
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => {
                payglot_core_model::DateTime::parse(&text).map(DateTime).map_err(InputValueError::custom)
            }
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(_))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}
