"""Pages of the commission (evaluation of a registration) and of the jury."""
