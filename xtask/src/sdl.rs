//! `cargo xtask sdl`: write the GraphQL schema's SDL to `schemas/graphql/schema.graphql`
//! (payglot-graphql's `tests/sdl_fresh.rs` fails when the committed file is stale).

use std::path::Path;

/// Where the SDL is committed, relative to the workspace root.
pub(crate) const SDL_PATH: &str = "schemas/graphql/schema.graphql";

/// Write the SDL, only when it changed.
pub(crate) fn run(root: &Path) -> anyhow::Result<()> {
    let path = root.join(SDL_PATH);
    let sdl = payglot_graphql::sdl();
    if std::fs::read_to_string(&path).ok().as_deref() == Some(sdl.as_str()) {
        println!("{SDL_PATH} is up to date");
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, sdl)?;
    println!("wrote {SDL_PATH}");
    Ok(())
}
