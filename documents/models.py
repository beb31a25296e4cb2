"""Generated PDFs: certificates, notices of acquired capacities, jury minutes (DESIGN §6)."""
