//! What the OpenAPI document says each route takes and answers: one match over the route table naming the
//! request and view *types* (never schema names by hand), so a schema is always the `Serialize` /
//! `Deserialize` type the handler uses, and every schema in the document is collected from these types.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;
use utoipa::{PartialSchema, ToSchema};

use crate::pagination::Page;

/// Schemas under `components.schemas`, by name.
pub type Components = Vec<(String, RefOr<Schema>)>;

/// A type as the document describes it: its component name and the schemas it needs.
#[derive(Clone, Copy)]
pub struct Described {
    name: fn() -> String,
    collect: fn(&mut Components),
}

impl Described {
    /// The component name the route's body or answer refers to.
    pub fn name(&self) -> String {
        (self.name)()
    }

    /// Add the type's schema, and those it refers to, to `all`.
    pub fn collect(&self, all: &mut Components) {
        (self.collect)(all)
    }
}

/// The type `T`.
pub fn of<T: ToSchema + PartialSchema>() -> Described {
    Described {
        name: || T::name().into_owned(),
        collect: |all| {
            all.push((T::name().into_owned(), T::schema()));
            T::schemas(all);
        },
    }
}

/// A [`Page`] of `T` (component `Page_T`).
pub fn page_of<T: ToSchema + PartialSchema>() -> Described {
    Described {
        name: || format!("Page_{}", T::name()),
        collect: |all| {
            all.push((
                format!("Page_{}", T::name()),
                <Page<T> as PartialSchema>::schema(),
            ));
            all.push((T::name().into_owned(), T::schema()));
            T::schemas(all);
        },
    }
}
