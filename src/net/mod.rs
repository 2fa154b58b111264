//! Network settings (pure) and, as the check engine grows, the resolver and clients built
//! from them.

pub mod settings;
