-- wrk script: signs in as the perf accounts in turn (person1..person10000@perf.test).
local n = 0
request = function()
  n = n % 10000 + 1
  local body = string.format('{"email":"person%d@perf.test","password":"Perf#Secret1"}', n)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
