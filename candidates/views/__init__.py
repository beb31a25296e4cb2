"""Pages of exam-centre staff: campaigns, candidates and registrations, centres."""
