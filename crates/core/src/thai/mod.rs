//! Thai text conventions: digits, number words, Buddhist-era dates and times, as officers dictate
//! them and as official documents print them.
