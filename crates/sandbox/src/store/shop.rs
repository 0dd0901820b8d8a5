//! Shopping: product catalogs and their products.

use rusqlite::{params, Connection, Row};
use serde::Serialize;

use super::conn::{next_id, StoreResult, CATALOG_BASE, PRODUCT_BASE};

/// A product in a catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Product {
    pub id: String,
    pub catalog_id: String,
    pub retailer_id: String,
    pub name: String,
    /// `approved`, `pending`, `rejected` or `outdated`, as Graph reports it.
    pub review_status: String,
}

/// A product catalog owned by an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Catalog {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub products: Vec<Product>,
}

/// A product to add (id assigned here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProduct {
    pub retailer_id: Option<String>,
    pub name: String,
    pub review_status: String,
}

pub fn insert_catalog(
    c: &Connection,
    account_id: &str,
    name: &str,
    products: &[NewProduct],
) -> StoreResult<Catalog> {
    let id = next_id(c, "next_catalog", CATALOG_BASE)?;
    c.execute(
        "INSERT INTO catalogs(id, account_id, name) VALUES (?1, ?2, ?3)",
        params![id, account_id, name],
    )?;
    let mut out = Vec::new();
    for p in products {
        let pid = next_id(c, "next_product", PRODUCT_BASE)?;
        let retailer = p
            .retailer_id
            .clone()
            .unwrap_or_else(|| format!("sku-{pid}"));
        c.execute(
            "INSERT INTO products(id, catalog_id, retailer_id, name, review_status) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![pid, id, retailer, p.name, p.review_status],
        )?;
        out.push(Product {
            id: pid,
            catalog_id: id.clone(),
            retailer_id: retailer,
            name: p.name.clone(),
            review_status: p.review_status.clone(),
        });
    }
    Ok(Catalog {
        id,
        account_id: account_id.to_owned(),
        name: name.to_owned(),
        products: out,
    })
}

fn product_row(r: &Row) -> rusqlite::Result<Product> {
    Ok(Product {
        id: r.get(0)?,
        catalog_id: r.get(1)?,
        retailer_id: r.get(2)?,
        name: r.get(3)?,
        review_status: r.get(4)?,
    })
}

/// An account's catalogs with their products.
pub fn catalogs(c: &Connection, account_id: &str) -> StoreResult<Vec<Catalog>> {
    let mut stmt = c.prepare("SELECT id, name FROM catalogs WHERE account_id = ?1 ORDER BY id")?;
    let heads: Vec<(String, String)> = stmt
        .query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (id, name) in heads {
        let mut stmt = c.prepare(
            "SELECT id, catalog_id, retailer_id, name, review_status FROM products WHERE catalog_id = ?1 ORDER BY id",
        )?;
        let products = stmt
            .query_map([&id], product_row)?
            .collect::<Result<_, _>>()?;
        out.push(Catalog {
            id,
            account_id: account_id.to_owned(),
            name,
            products,
        });
    }
    Ok(out)
}
